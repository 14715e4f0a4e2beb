/**
 * Guided reconstruction of library studies: each slice is preprocessed, reconstructed, turned
 * into an anomaly map, mapped back to the image's geometry and saved as a result of one run,
 * with the classifier's p(pathological | x_0, t = 0) when the models have a classifier (for the
 * Library's "classifier most uncertain" order).
 */
import { CancelledError } from '../../engine/types.ts';
import type {
  Guidance,
  LoadedModels,
  ProgressTracker,
  ReconstructionSettings,
} from '../../engine/index.ts';
import { RECONSTRUCTION_PRESETS } from '../../contract/index.ts';
import type { ReconstructJobSpec, ReconstructResult } from '../../contract/index.ts';
import { Library, type ImageInfo } from '../../library/index.ts';
import type { JobRun } from './types.ts';
import type { JsonValue } from '../json.ts';
import { registerModels } from './models.ts';
import { CHAIN_FRAMES, chainFramesOf } from './chainFrames.ts';
import {
  classifierProbabilities,
  reconstructImages,
  type ReconstructedBatch,
} from '../reconstructImages.ts';
import { slicesToMap } from './sliceDomain.ts';

/** Slices reconstructed per engine call: results are saved, and progress told, per batch. */
const BATCH = 8;

type Engine = typeof import('../../engine/index.ts');
/** p(pathological | x_0, t = 0) per image id: the input is the same for both runs of a job. */
type Probabilities = Map<number, number | null>;

/** What every run of one job shares: the engine, the models, one guidance, and the job's pace. */
interface JobContext {
  engine: Engine;
  models: LoadedModels;
  guidance: Guidance;
  library: Library;
  modelIds: number[];
  probabilities: Probabilities;
  progress: ProgressTracker;
  /** Images left out (outside the domain, blank), by id, with their reason: the same for both runs. */
  skipped: Map<number, ReconstructResult['skipped'][number]>;
}

export async function runReconstruct(run: JobRun<ReconstructJobSpec>): Promise<JsonValue> {
  const engine: Engine = await import('../../engine/index.ts');
  await engine.initBackend();
  const models = await engine.loadModels(run.context.modelsDir);
  const library = Library.open(run.context.libraryDir);
  let guidance: Guidance | null = null;
  try {
    const overrides =
      run.spec.settings ?? (run.spec.preset ? RECONSTRUCTION_PRESETS[run.spec.preset] : {});
    // One guidance process (and classifier) for the whole job, not one per batch.
    guidance = await engine.startGuidance(models, engine.settingsFor(models.preset, overrides));
    // Only the slices the models know (their mid-axial slab), unless all are asked for.
    const { mapped: images, skipped } = await slicesToMap(
      engine,
      library,
      run.spec.studyIds.flatMap((studyId) => library.getStudy(studyId).images),
      run.spec.allSlices,
      run.control.signal,
    );
    const job: JobContext = {
      engine,
      models,
      guidance,
      library,
      modelIds: registerModels(library, run.context.modelsDir),
      probabilities: new Map(),
      skipped: new Map(skipped.map((slice) => [slice.imageId, slice])),
      // The pace and ETA of the whole job, in images, over both runs.
      progress: new engine.ProgressTracker(
        run.control,
        'reconstructing',
        images.length * (run.spec.withUnguided ? 2 : 1),
        'reconstruction',
      ),
    };
    const guided = await reconstructRun(job, run, images, overrides, 'guided');
    const unguided = run.spec.withUnguided
      ? await reconstructRun(job, run, images, { ...overrides, guidanceScale: 0 }, 'unguided')
      : null;
    const result: ReconstructResult = {
      runId: guided,
      unguidedRunId: unguided,
      skipped: [...job.skipped.values()],
      // Both runs share their input, so they leave out (and map) the same slices.
      mapped: images.filter((image) => !job.skipped.has(image.id)).length,
    };
    return result;
  } finally {
    await guidance?.stop();
    library.close();
    engine.disposeModels(models);
  }
}

async function reconstructRun(
  job: JobContext,
  { spec, control, libraryChanged }: JobRun<ReconstructJobSpec>,
  images: ImageInfo[],
  overrides: Partial<ReconstructionSettings>,
  variant: 'guided' | 'unguided',
): Promise<number> {
  const { engine, models, library } = job;
  const size = models.diffusion.config.imageSize;
  const settings = engine.settingsFor(models.preset, overrides);
  const record = library.createRun({
    name: variant,
    // The run keeps its image operating point, so its verdicts can be read back (Result): the
    // preset's only for the preset's own settings; null (no verdict) for any other.
    settings: {
      ...settings,
      imageSize: size,
      imageScoreThreshold: engine.imageOperatingPointFor(models.preset, settings),
    },
    modelIds: job.modelIds,
  });
  const started = Date.now();
  job.progress.phase = `reconstructing (${variant})`;
  try {
    await reconstructImages(
      engine,
      models,
      images,
      (image) => library.getImagePixels(image.id),
      {
        settings,
        guidance: job.guidance,
        batchSize: BATCH,
        captureFrames: spec.keepChain ? CHAIN_FRAMES : 0,
        // A blank slice (nothing to normalise) is left out with its reason: it never fails the job.
        skip: ({ id: imageId, studyId }, reason) =>
          job.skipped.set(imageId, { studyId, imageId, kind: 'blank', reason }),
      },
      { signal: control.signal, progress: job.progress },
      async (batch) => {
        await saveBatch(job, record.id, batch);
        libraryChanged('results', [...new Set(batch.items.map((image) => image.studyId))]);
      },
    );
    // The run keeps what it left out and why, so Review says so instead of showing no map.
    const skipped = [...job.skipped.values()];
    library.saveSkippedSlices(record.id, skipped);
    library.finishRun(record.id, {
      seconds: (Date.now() - started) / 1000,
      // The slices mapped: those sent to the models less those found blank on the way (the
      // skipped list also holds the slices left out before, which were never sent).
      slices: images.filter((image) => !job.skipped.has(image.id)).length,
      skipped: skipped.length,
    });
    return record.id;
  } catch (error) {
    // Cancelled: the run goes, results and all; failed: it stays, marked, with its error.
    if (error instanceof CancelledError || control.signal.aborted)
      library.discardRun(record.id, 'cancelled');
    else library.failRun(record.id, error instanceof Error ? error.message : String(error));
    throw error;
  }
}

/** Saves a batch's results, each mapped back to its image's geometry. */
async function saveBatch(
  { engine, models, library, probabilities, skipped }: JobContext,
  runId: number,
  { items: batch, slices, transforms, results, chain }: ReconstructedBatch<ImageInfo>,
): Promise<void> {
  const size = models.diffusion.config.imageSize;
  // How sure the classifier is that each input slice is pathological (tidied inside); a
  // classifier that outputs NaN leaves the study unranked rather than failing the run.
  if (models.classifier && batch.some((image) => !probabilities.has(image.id))) {
    const p = classifierProbabilities(engine, models.classifier, slices, results);
    batch.forEach((image, i) => probabilities.set(image.id, Number.isFinite(p[i]) ? p[i] : null));
  }
  for (const [i, result] of results.entries()) {
    const transform = transforms[i];
    const image = batch[i];
    // A partial slice whose map has no brain to score is left out, like a blank one.
    if (!Number.isFinite(result.score)) {
      const reason = `blank: no brain to score (the image score is ${result.score})`;
      skipped.set(image.id, { studyId: image.studyId, imageId: image.id, kind: 'blank', reason });
      continue;
    }
    await library.saveResult({
      runId,
      imageId: image.id,
      reconstruction: {
        width: image.width,
        height: image.height,
        values: engine.sliceToImage(result.reconstruction, transform),
      },
      map: {
        width: image.width,
        height: image.height,
        values: engine.sliceToImage(result.sliceMap, transform),
      },
      score: result.score,
      pixelThreshold: models.preset.pixelThreshold,
      classifierProbability: probabilities.get(image.id) ?? null,
      chain: chainFramesOf(chain, i, size),
    });
  }
}
