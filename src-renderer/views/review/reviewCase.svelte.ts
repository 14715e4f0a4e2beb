/**
 * The case on screen in Review and the AI's result for it: the study, the slice shown, its
 * result, the three images (input, reconstruction, map) on the input's grid, and the reader's
 * label session. `load` fetches a study (or another slice of it); the lists Review needs beside
 * (runs, the shipped preset, the finding vocabulary) are asked once.
 */
import type { Connection } from '../../api/client.ts';
import type { ImageInfo, Result, Run, StudyDetail } from '../../api/types.ts';
import { aiVerdict, imageOperatingPoint } from '../../components/ai/aiVerdict.ts';
import { userMessage } from '../../components/common/userMessage.ts';
import { labelSessionFor, type LabelSession } from '../../components/labels/labelSession.svelte.ts';
import { stepIndex } from '../../components/viewer/stack.ts';
import { navigation } from '../../state/navigation.svelte.ts';
import { alignToInput, firstSlice, loadLayer, type Layer } from '../reviewLayers.ts';

/** What a load changed, so the view settings follow (refit, cut-off, measurement). */
export interface Loaded {
  sameStudy: boolean;
  sameSlice: boolean;
  /** Whether a map was on screen before (another slice of the same study may have none). */
  hadMap: boolean;
  /** Whether the result comes from the same run as the one shown before. */
  sameRun: boolean;
  /** The new slice's map on the input's grid, or null where it has no result. */
  map: Layer | null;
  result: Result | null;
}

/** Slice layers (input, reconstruction, map) kept for scrolling back: about 16 slices' worth. */
const LAYER_CACHE = 48;

export class ReviewCase {
  study = $state<StudyDetail | null>(null);
  slice = $state<ImageInfo | null>(null);
  result = $state<Result | null>(null);
  input = $state<Layer | null>(null);
  reconstruction = $state<Layer | null>(null);
  anomalyMap = $state<Layer | null>(null);
  session = $state<LabelSession | null>(null);
  runs = $state<Run[]>([]);
  vocabulary = $state<string[]>([]);
  preset = $state<Record<string, unknown> | null>(null);
  failure = $state<string | null>(null);
  loading = $state(false);
  /** Files the last DICOM export of this study's result wrote, with authorised links. */
  exportedDicom = $state<{ path: string; href: string }[]>([]);
  /** The side of the grid the map was computed on, before any resampling to store it. */
  storedMapSize = $state<number | null>(null);

  readonly run = $derived(this.runs.find((r) => r.id === this.result?.runId) ?? null);
  /**
   * The side of the grid the models computed on (64 px), when smaller than the slice: the run's
   * image size (maps may be stored enlarged to the slice), else the stored map's.
   */
  readonly modelSize = $derived.by(() => {
    const ofRun = this.run?.settings.imageSize;
    const size = typeof ofRun === 'number' ? ofRun : this.storedMapSize;
    return size !== null && this.input && this.result && size < this.input.width ? size : null;
  });
  /** The model's verdict on the slice shown, or null (no result, or no operating point). */
  readonly aiSays = $derived(
    this.result
      ? aiVerdict(this.result.score, imageOperatingPoint(this.result, this.run, this.preset))
      : null,
  );

  /** Why the run left the slice shown unmapped (outside the models' domain, blank), or null. */
  readonly skipped = $derived(
    // A study from an older server has no skippedSlices.
    (this.study?.skippedSlices ?? []).find((s) => s.imageId === this.slice?.id) ?? null,
  );

  /** The slice last asked for in the stack, until it is on screen: keys and wheel step from it. */
  wantedSliceId = $state<number | null>(null);
  /** Where the slice shown (or asked for) is in the study's stack (0-based), and the stack's size. */
  readonly stackIndex = $derived.by(() => {
    const { study } = this;
    const id = this.wantedSliceId ?? this.slice?.id;
    return study && id !== undefined ? study.images.findIndex((i) => i.id === id) : -1;
  });
  readonly stackSize = $derived(this.study?.images.length ?? 0);

  private loadToken = 0;
  /**
   * The layers of the slices seen lately, so scrolling back and forth through a stack does not
   * fetch them again; bounded (LAYER_CACHE entries, the oldest dropped first).
   */
  // Bookkeeping, never rendered: a plain Map on purpose.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly layers = new Map<string, Promise<Layer>>();

  constructor(private readonly connection: Connection) {
    const { api } = connection;
    api.listRuns().then(
      (r) => (this.runs = r),
      () => undefined,
    );
    api.installedModels().then(
      (installed) => (this.preset = installed.preset),
      () => undefined,
    );
    api.listFindings().then(
      (f) => (this.vocabulary = f.map((x) => x.name)),
      () => undefined,
    );
  }

  /**
   * Loads study `id` on slice `sliceId` (else the most anomalous); a newer load wins. Calls
   * `onloaded` with what changed once the case is on screen.
   */
  async load(id: number, sliceId: number | undefined, onloaded: (loaded: Loaded) => void) {
    this.wantedSliceId = null;
    return this.loadFrom(id, sliceId, onloaded, false);
  }

  /**
   * Shows another slice of the open study (the stack viewer): the study as already loaded, the
   * slice's layers from the cache where seen lately.
   */
  async loadSlice(sliceId: number, onloaded: (loaded: Loaded) => void) {
    if (!this.study) return;
    this.wantedSliceId = sliceId;
    return this.loadFrom(this.study.id, sliceId, onloaded, true);
  }

  /**
   * The slice `delta` places on in the stack, kept inside it (±Infinity: the last or first), or
   * null without a study.
   */
  sliceAt(delta: number): ImageInfo | null {
    const { study, stackIndex } = this;
    if (!study || stackIndex < 0) return null;
    return study.images[stepIndex(stackIndex, delta, study.images.length)] ?? null;
  }

  private layer(hash: string, scale?: { min: number; max: number }): Promise<Layer> {
    const key = scale ? `${hash}:${scale.min}:${scale.max}` : hash;
    const known = this.layers.get(key);
    if (known) {
      this.layers.delete(key); // most recent last
      this.layers.set(key, known);
      return known;
    }
    const loading = loadLayer(this.connection, hash, scale);
    loading.catch(() => this.layers.delete(key));
    this.layers.set(key, loading);
    while (this.layers.size > LAYER_CACHE) this.layers.delete(this.layers.keys().next().value!);
    return loading;
  }

  private async loadFrom(
    id: number,
    sliceId: number | undefined,
    onloaded: (loaded: Loaded) => void,
    reuse: boolean,
  ) {
    const mine = ++this.loadToken;
    const { api } = this.connection;
    this.loading = true;
    this.failure = null;
    try {
      const detail =
        reuse && this.study?.id === id
          ? this.study
          : await api.getStudy({ studyId: id, runId: navigation.runId ?? undefined });
      const image = detail.images.find((i) => i.id === sliceId) ?? firstSlice(detail);
      if (!image) throw new Error(`study ${id} has no images`);
      const chosen = detail.results.find((r) => r.imageId === image.id) ?? null;
      const [inp, loadedRec, loadedMap] = await Promise.all([
        this.layer(image.hash),
        chosen ? this.layer(chosen.reconstructionHash, chosen.reconstructionScale) : null,
        chosen ? this.layer(chosen.mapHash, chosen.mapScale) : null,
      ]);
      if (mine !== this.loadToken) return;
      const healthyBelow = chosen?.threshold ?? Infinity;
      const aligned =
        loadedRec && loadedMap ? alignToInput(inp, loadedRec, loadedMap, healthyBelow) : null;
      const sameStudy = this.study?.id === detail.id;
      const sameSlice = sameStudy && this.slice?.id === image.id;
      const hadMap = this.anomalyMap !== null;
      const sameRun = this.result?.runId === chosen?.runId;
      this.study = detail;
      this.slice = image;
      this.result = chosen;
      this.input = inp;
      this.reconstruction = aligned?.reconstruction ?? null;
      this.anomalyMap = aligned?.anomalyMap ?? null;
      if (!sameStudy || !this.session) this.session = labelSessionFor(api, detail);
      this.storedMapSize = loadedMap ? loadedMap.width : null;
      if (!sameStudy) this.exportedDicom = [];
      onloaded({ sameStudy, sameSlice, hadMap, sameRun, map: this.anomalyMap, result: chosen });
    } catch (e) {
      if (mine === this.loadToken) this.failure = userMessage(e);
    } finally {
      if (mine === this.loadToken) {
        this.loading = false;
        this.wantedSliceId = null;
      }
    }
  }

  async exportDicom() {
    const { result, study } = this;
    if (!result || study === null) return;
    try {
      const written = await this.connection.api.exportResultDicom({
        runId: result.runId,
        studyId: study.id,
      });
      this.exportedDicom = written.files.map((file) => ({
        path: file.path,
        href: this.connection.authorise(file.url),
      }));
    } catch (e) {
      this.failure = userMessage(e);
    }
  }
}
