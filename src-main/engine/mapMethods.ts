/**
 * The map methods (ALGORITHM.md, "Anomaly map and scores", and issue 11): how a batch of slices
 * becomes anomaly maps and image scores, given the settings stored with the result.
 * - 'reconstruction': the residual of the guided reconstruction; with `noiseDraws` > 1 (stochastic
 *   encoding) the residuals of several seeded draws are averaged, so texture the model fails to
 *   reproduce in one draw only averages out while a lesion removed in every draw stays.
 * - 'stitch': AutoDDPM's mask, stitch and re-sample, seeded by the 'reconstruction' map.
 * - 'patches': patch-wise noising (pDDPM, Behrendt et al. 2023) with the model we have: each
 *   patch in turn is noised to L and decoded while the rest of the slice is held to the input
 *   (noised to the same t, as the stitch does), so the patch is re-synthesised from healthy
 *   context; the reconstruction is the patches put together, its residual the map.
 * Map units: the residual of intensities in [-1, 1] ('l1' in [0, 2], see residualMap).
 */
import {
  coarseMask,
  estimateBrainMask,
  gaussianSmooth,
  imageScore,
  maskMap,
  residualMap,
  valuesInMask,
} from './anomaly/index.ts';
import { normaliseMap, type HealthyResidual } from './anomaly/healthyResidual.ts';
import { sortedQuantile } from './anomaly/quantile.ts';
import { ddimTimesteps } from './diffusion/schedule.ts';
import {
  reconstructBatch,
  reconstructionSteps,
  stitchResampleBatch,
  type ChainFrame,
  type ReconstructionInput,
} from './diffusion/reconstruct.ts';
import type { JobControl, ReconstructionSettings, Slice } from './types.ts';

export interface SliceResult {
  reconstruction: Float32Array;
  /**
   * The map on the model's slice grid: the residual (settings.residual), smoothed, zero outside
   * the brain, and normalised (settings.mapNormalisation) when the settings ask. The raw residual
   * is absoluteResidual / residualMap; the library stores this map enlarged to the image.
   */
  sliceMap: Float32Array;
  brainMask: Uint8Array;
  score: number;
  /**
   * The classifier's p(pathological | x_0, t = 0), where the image score is it (imageScore
   * 'classifier'): callers that store it beside the score need not run the classifier again.
   */
  classifierProbability?: number;
}

export interface MapBatchInput extends Omit<ReconstructionInput, 'settings'> {
  settings: ReconstructionSettings;
  smoothingSigma: number;
  scoreTopFraction: number;
  /** The stitch mask's cut-off when the settings give none (the preset's pixel threshold). */
  defaultMaskThreshold: number | null;
  /** p(pathological | x_0, t = 0) per slice, for imageScore 'classifier'. */
  classifierProbability?: (slices: Slice[]) => Float32Array;
  /** The healthy residual for settings.mapNormalisation, checked for these settings. */
  healthyResidual?: HealthyResidual;
}

/** 'patches': the patch side when the settings give none (a 4 x 4 grid at 64 px). */
export const DEFAULT_PATCH_SIZE = 16;

/** When no cut-off is known: the stitch mask marks the top 5% of the first map in the brain. */
const FALLBACK_MASK_QUANTILE = 0.95;
const DEFAULT_MASK_DILATION = 2;

/**
 * The maps of one batch. Progress: every step of every pass (each draw's reconstruction, then the
 * stitch) is reported as that pass reports it; mapMethodSteps counts them for a whole-job scale.
 */
export async function mapBatch(
  input: MapBatchInput,
  control: JobControl = {},
): Promise<{ results: SliceResult[]; chain: ChainFrame[] }> {
  const { settings, slices } = input;
  const draws = settings.noiseDraws ?? 1;
  if (!Number.isInteger(draws) || draws < 1)
    throw new RangeError(`noiseDraws must be a positive integer, got ${draws}`);
  if (draws > 1 && settings.encoding !== 'noise')
    throw new RangeError('noiseDraws > 1 needs the stochastic (noise) encoding');
  const stitch = settings.mapMethod === 'stitch';
  noiseLevelsOf(settings);
  const normalisation = settings.mapNormalisation ?? 'none';
  if (normalisation !== 'none' && !input.healthyResidual)
    throw new Error(`mapNormalisation '${normalisation}' needs the healthy residual of the models`);
  const first = await meanOverDraws(input, draws, control);
  let results = first.reconstructions.map((r, i) => mapOf(input, slices[i], r, first.residuals[i]));
  const chain = first.chain;
  if (stitch) {
    const second = await stitchPass(input, results, control);
    chain.push(...second.chain);
    results = second.reconstructions.map((r, i) => mapOf(input, slices[i], r));
  }
  if (normalisation !== 'none')
    results = results.map((r) => {
      const sliceMap = normaliseMap(r.sliceMap, r.brainMask, input.healthyResidual!, normalisation);
      return {
        ...r,
        sliceMap,
        score: imageScore(sliceMap, r.brainMask, input.scoreTopFraction),
      };
    });
  if (settings.imageScore === 'classifier') {
    if (!input.classifierProbability)
      throw new Error("imageScore 'classifier' needs a classifier, and none is loaded");
    const p = input.classifierProbability(slices);
    results.forEach((r, i) => {
      r.score = p[i];
      r.classifierProbability = p[i];
    });
  }
  return { results, chain };
}

/** Progress steps of one batch under these settings: every draw's reconstruction, then the stitch. */
export function mapMethodSteps(
  settings: ReconstructionSettings,
  scheduleSteps: number,
  imageSize = 64,
): number {
  if (settings.mapMethod === 'patches')
    return (
      (settings.noiseDraws ?? 1) *
      patchSquares(imageSize, settings).length *
      ddimTimesteps(settings.noiseLevel, settings.stride, scheduleSteps).length
    );
  const draws =
    (settings.noiseDraws ?? 1) *
    noiseLevelsOf(settings).reduce(
      (sum, noiseLevel) => sum + reconstructionSteps({ ...settings, noiseLevel }, scheduleSteps),
      0,
    );
  if (settings.mapMethod !== 'stitch') return draws;
  const level = settings.resampleLevel ?? settings.noiseLevel;
  return draws + ddimTimesteps(level, settings.stride, scheduleSteps).length;
}

/**
 * The noise levels of an ensemble (noiseLevel first), checked: an ensemble needs the stochastic
 * encoding and the 'reconstruction' map method, and must hold noiseLevel.
 */
export function noiseLevelsOf(settings: ReconstructionSettings): number[] {
  const levels = settings.noiseLevels;
  if (!levels) return [settings.noiseLevel];
  if (!levels.includes(settings.noiseLevel))
    throw new RangeError(
      `noiseLevels [${levels.join(', ')}] must include the noise level ${settings.noiseLevel}`,
    );
  if (levels.length > 1 && settings.encoding !== 'noise')
    throw new RangeError('an ensemble over noise levels needs the stochastic (noise) encoding');
  if (levels.length > 1 && (settings.mapMethod ?? 'reconstruction') !== 'reconstruction')
    throw new RangeError(
      "an ensemble over noise levels works with the 'reconstruction' map method",
    );
  return [settings.noiseLevel, ...new Set(levels.filter((l) => l !== settings.noiseLevel))];
}

/**
 * The reconstructions of every draw at every noise level (seeds seed, seed + 1, ... at noiseLevel;
 * another 1,000 further on at each further level), their mean and their mean residual.
 */
async function meanOverDraws(input: MapBatchInput, draws: number, control: JobControl) {
  const { slices, settings } = input;
  const size = slices[0]?.size ?? 0;
  const reconstructions = slices.map((s) => new Float32Array(s.pixels.length));
  const residuals = slices.map((s) => new Float32Array(s.pixels.length));
  const chain: ChainFrame[] = [];
  const levels = noiseLevelsOf(settings);
  const runs = levels.flatMap((noiseLevel, level) =>
    Array.from({ length: draws }, (_, draw) => ({ noiseLevel, seedOffset: level * 1000 + draw })),
  );
  for (const [run, { noiseLevel, seedOffset }] of runs.entries()) {
    const drawInput = {
      ...input,
      settings: { ...settings, noiseLevel, seed: (settings.seed ?? 0) + seedOffset },
      captureFrames: run === 0 ? input.captureFrames : 0,
    };
    const output =
      settings.mapMethod === 'patches'
        ? await patchReconstruction(drawInput, control)
        : await reconstructBatch(drawInput, control);
    chain.push(...output.chain);
    output.reconstructions.forEach((r, i) => {
      const residual = residualMap(slices[i].pixels, r, size, settings.residual);
      for (let j = 0; j < r.length; j++) {
        reconstructions[i][j] += r[j] / runs.length;
        residuals[i][j] += residual[j] / runs.length;
      }
    });
  }
  return { reconstructions, residuals, chain };
}

/** The patches of a slice of `size` px: a grid of squares of the patch size (the last ones cut). */
export function patchSquares(
  size: number,
  settings: Pick<ReconstructionSettings, 'patchSize' | 'encoding'>,
): { x: number; y: number; side: number }[] {
  const side = settings.patchSize ?? DEFAULT_PATCH_SIZE;
  if (!Number.isInteger(side) || side < 1)
    throw new RangeError(`patchSize must be a positive integer, got ${side}`);
  if (settings.encoding !== 'noise')
    throw new RangeError("the 'patches' map method needs the stochastic (noise) encoding");
  const squares = [];
  for (let y = 0; y < size; y += side)
    for (let x = 0; x < size; x += side) squares.push({ x, y, side });
  return squares;
}

/**
 * One draw of 'patches': for each patch, the slices are re-synthesised inside it from the input
 * around it (stitchResampleBatch with the input as its first reconstruction and the patch as its
 * mask, re-noised to L), and the patch's pixels are kept. A patch with no brain in any slice of
 * the batch is not computed (its steps are reported done): the map is zero outside the brain.
 */
async function patchReconstruction(input: MapBatchInput, control: JobControl) {
  const { slices, settings } = input;
  const size = slices[0].size;
  const reconstructions = slices.map((s) => Float32Array.from(s.pixels));
  const brains = slices.map((s) => estimateBrainMask(s.pixels, size));
  const steps = ddimTimesteps(settings.noiseLevel, settings.stride, input.schedule.steps).length;
  let chain: ChainFrame[] = [];
  const masks = patchSquares(size, settings).map(({ x, y, side }) => {
    const mask = new Uint8Array(size * size);
    for (let row = y; row < Math.min(y + side, size); row++)
      mask.fill(1, row * size + x, row * size + Math.min(x + side, size));
    return mask;
  });
  // Brain pixels of each slice inside each patch: a patch without any is not computed, and the
  // chain player shows the patch that holds most of the first slice's brain.
  const brainIn = masks.map((mask) =>
    brains.map((brain) => brain.reduce((n, inside, i) => n + inside * mask[i], 0)),
  );
  const shown = brainIn.reduce((best, counts, i) => (counts[0] > brainIn[best][0] ? i : best), 0);
  for (const [index, mask] of masks.entries()) {
    if (brainIn[index].every((count) => count === 0)) {
      for (let step = 0; step < steps; step++)
        control.onProgress?.({ phase: 'patches', done: step + 1, total: steps, etaSeconds: null });
      continue;
    }
    const output = await stitchResampleBatch(
      {
        ...input,
        // A different noise for each patch, the same for every run of these settings.
        settings: { ...settings, seed: (settings.seed ?? 0) * 1_000 + index },
        firstReconstructions: slices.map((s) => s.pixels),
        masks: slices.map(() => mask),
        resampleLevel: settings.noiseLevel,
        captureFrames: index === shown ? (input.captureFrames ?? 0) : 0,
      },
      control,
    );
    if (index === shown) chain = output.chain;
    output.reconstructions.forEach((r, i) => {
      for (let j = 0; j < r.length; j++) if (mask[j]) reconstructions[i][j] = r[j];
    });
  }
  return { reconstructions, chain };
}

/** The second pass of 'stitch': coarse masks from the first maps, then mask-stitch-resample. */
async function stitchPass(input: MapBatchInput, first: SliceResult[], control: JobControl) {
  const { settings, slices } = input;
  const size = slices[0].size;
  const masks = first.map((r) =>
    coarseMask(
      r.sliceMap,
      r.brainMask,
      size,
      settings.maskThreshold ?? input.defaultMaskThreshold ?? fallbackCutOff(r),
      settings.maskDilation ?? DEFAULT_MASK_DILATION,
    ),
  );
  return stitchResampleBatch(
    {
      ...input,
      settings,
      firstReconstructions: first.map((r) => r.reconstruction),
      masks,
      resampleLevel: settings.resampleLevel ?? settings.noiseLevel,
      captureFrames: 0,
    },
    control,
  );
}

function fallbackCutOff(result: SliceResult): number {
  const values = valuesInMask(result.sliceMap, result.brainMask).sort();
  return values.length ? sortedQuantile(values, FALLBACK_MASK_QUANTILE) : Infinity;
}

/**
 * The residual (given, or computed from the reconstruction) smoothed, restricted to the
 * estimated brain, and its image score.
 */
export function mapOf(
  input: Pick<MapBatchInput, 'settings' | 'smoothingSigma' | 'scoreTopFraction'>,
  slice: Slice,
  reconstruction: Float32Array,
  residual = residualMap(slice.pixels, reconstruction, slice.size, input.settings.residual),
): SliceResult {
  const brainMask = estimateBrainMask(slice.pixels, slice.size);
  const sigma = input.smoothingSigma;
  const smooth = sigma > 0 ? gaussianSmooth(residual, slice.size, sigma) : residual;
  const map = maskMap(smooth, brainMask);
  return {
    reconstruction,
    sliceMap: map,
    brainMask,
    score: imageScore(map, brainMask, input.scoreTopFraction),
  };
}
