/**
 * A fake api for Review's component tests: studies of a few small slices, each with a result,
 * pixels served through a stubbed fetch (the ANPX buffers the server would send), and a
 * recording 2D context so a test can see what a canvas drew.
 */
import { vi } from 'vitest';
import type { ApiClient, Result, StudyDetail } from '../../../src-renderer/api/types.ts';
import type { Connection } from '../../../src-renderer/api/client.ts';
import { encodePixels } from '../../../src-main/contract/pixels.ts';

export const SIDE = 16;

/** Pixels by hash: every slice, reconstruction, map and mask a fixture study names. */
const pixels = new Map<string, Uint8Array>();

function grey(seed: number): Uint8Array {
  const values = new Uint8Array(SIDE * SIDE);
  for (let i = 0; i < values.length; i++) values[i] = (i * 7 + seed * 13) % 200;
  return values;
}

export function storePixels(hash: string, values: Uint8Array, side = SIDE): void {
  pixels.set(hash, encodePixels({ width: side, height: side, pixels: values }));
}

export interface FixtureOptions {
  slices?: number;
  /** Millimetres between slices (position known), or null (not known). */
  spacing?: number | null;
  referenceAnnotations?: StudyDetail['referenceAnnotations'];
}

export function fixtureStudy(id: number, options: FixtureOptions = {}): StudyDetail {
  const n = options.slices ?? 3;
  const images = Array.from({ length: n }, (_, k) => {
    const hash = `img-${id}-${k}`.padEnd(64, '0');
    storePixels(hash, grey(id * 10 + k));
    return {
      id: id * 100 + k,
      studyId: id,
      hash,
      seriesUid: null,
      seriesDescription: null,
      sliceIndex: k,
      width: SIDE,
      height: SIDE,
      bitDepth: 8 as const,
      valueSlope: 1,
      valueIntercept: 0,
      pixelSpacing: [1, 1] as [number, number],
      sliceThickness: options.spacing ?? null,
      windowCenter: null,
      windowWidth: null,
      originalPath: `/data/${id}.nii`,
      brainMaskHash: null,
      healthyMaskHash: null,
    };
  });
  const results: Result[] = images.map((image, k) => {
    const rec = `rec-${id}-${k}`.padEnd(64, '0');
    const map = `map-${id}-${k}`.padEnd(64, '0');
    storePixels(rec, grey(id * 10 + k + 1));
    storePixels(map, grey(id * 10 + k + 2));
    return {
      id: id * 100 + k,
      runId: 1,
      imageId: image.id,
      studyId: id,
      reconstructionHash: rec,
      reconstructionScale: { min: 0, max: 1 },
      mapHash: map,
      mapScale: { min: 0, max: 1 },
      score: 0.1 * k,
      pixelThreshold: 0.5,
      imageScoreThreshold: 0.15,
      threshold: 0.5,
      classifierProbability: null,
      chain: [],
      createdAt: '2026-01-01T00:00:00Z',
    };
  });
  return {
    id,
    uid: `study-${id}`,
    patientAlias: null,
    studyDate: null,
    modality: 'MR',
    source: null,
    description: null,
    split: null,
    createdAt: '2026-01-01T00:00:00Z',
    imageCount: n,
    firstImageId: images[0].id,
    firstImageHash: images[0].hash,
    originPath: null,
    images,
    label: {
      studyId: id,
      verdict: null,
      findings: [],
      difficulty: null,
      comment: null,
      status: 'not-reviewed',
      author: null,
      updatedAt: null,
    },
    annotations: [],
    reference: options.referenceAnnotations
      ? {
          studyId: id,
          source: 'dataset:manifest.csv',
          verdict: 'pathological',
          findings: [],
          createdAt: '2026-01-01T00:00:00Z',
        }
      : null,
    referenceAnnotations: options.referenceAnnotations ?? [],
    results,
  } as unknown as StudyDetail;
}

export interface FakeReviewApi {
  connection: Connection;
  calls: string[];
  getStudyCalls: number[];
}

export function fakeReviewApi(
  studies: StudyDetail[],
  extra: Record<string, unknown> = {},
): FakeReviewApi {
  const calls: string[] = [];
  const getStudyCalls: number[] = [];
  const byId = new Map(studies.map((s) => [s.id, s]));
  const api = {
    listJobs: async () => [],
    listPacsEndpoints: async () => [],
    listRuns: async () => [],
    installedModels: async () => ({ dir: '/m', card: null, preset: null, models: [] }),
    listFindings: async () => [],
    on: () => () => undefined,
    getStudy: async ({ studyId }: { studyId: number }) => {
      getStudyCalls.push(studyId);
      const s = byId.get(studyId);
      if (!s) throw new Error(`no study ${studyId}`);
      return structuredClone(s);
    },
    imageUrl: async ({ hash }: { hash: string }) => ({
      url: `/image/${hash}.png`,
      pixelsUrl: `/pixels/${hash}`,
    }),
    setLabel: async (p: { studyId: number; label: { verdict?: unknown } }) => {
      calls.push(`setLabel ${p.studyId} ${String(p.label.verdict)}`);
      return {};
    },
    ...extra,
  };
  // bind:clientWidth needs a ResizeObserver, which jsdom lacks: one that never fires.
  vi.stubGlobal(
    'ResizeObserver',
    class {
      observe() {}
      unobserve() {}
      disconnect() {}
    },
  );
  vi.stubGlobal('fetch', async (url: string) => {
    const hash = String(url).split('/pixels/')[1];
    const body = hash ? pixels.get(hash) : undefined;
    if (!body) return new Response(null, { status: 404, statusText: 'Not Found' });
    return new Response(body.slice().buffer);
  });
  return {
    connection: { api: api as unknown as ApiClient, door: 'browser', authorise: (u) => u },
    calls,
    getStudyCalls,
  };
}

/** One drawing call on a canvas: the method and its arguments, with the stroke style then. */
export interface DrawCall {
  canvas: string;
  op: string;
  args: unknown[];
  strokeStyle: string;
}

/**
 * Gives jsdom's canvases a 2D context that records what is drawn (jsdom has none), and
 * ImageData, so SliceCanvas draws as in a browser. Returns the log.
 */
export function recordCanvases(): DrawCall[] {
  const log: DrawCall[] = [];
  if (typeof globalThis.ImageData === 'undefined') {
    class FakeImageData {
      constructor(
        public data: Uint8ClampedArray,
        public width: number,
        public height: number,
      ) {}
    }
    vi.stubGlobal('ImageData', FakeImageData);
  }
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function (
    this: HTMLCanvasElement,
  ) {
    const state = { strokeStyle: '#000' };
    const record =
      (op: string) =>
      (...args: unknown[]) => {
        log.push({
          canvas: this.getAttribute('aria-label') ?? '',
          op,
          args,
          strokeStyle: String(state.strokeStyle),
        });
      };
    const ctx = new Proxy(state as Record<string, unknown>, {
      get(target, key: string) {
        if (key in target) return target[key];
        if (key === 'measureText') return () => ({ width: 10 });
        return record(key);
      },
      set(target, key: string, value) {
        target[key] = value;
        return true;
      },
    });
    return ctx as unknown as RenderingContext;
  } as never);
  return log;
}
