import * as tf from '@tensorflow/tfjs';
import { gaussian, mulberry32 } from '../random.ts';
import type { JobControl, ReconstructionSettings, Slice } from '../types.ts';
import { ProgressTracker } from '../progress.ts';
import { ddimTimesteps, type Schedule } from './schedule.ts';
import {
  encodeStep,
  guidedDecodeStep,
  qSample,
  type GuidanceGradient,
  type NoisePredictor,
} from './ddim.ts';

/** One captured moment of the chain, per slice: x_t and (when decoding with guidance) the gradient. */
export interface ChainFrame {
  phase: 'encode' | 'decode';
  t: number;
  x: Float32Array[];
  gradient: Float32Array[] | null;
}

export interface ReconstructionInput {
  schedule: Schedule;
  predictNoise: NoisePredictor;
  /** Needed when guidanceScale != 0. */
  guidanceGradient?: GuidanceGradient;
  slices: Slice[];
  settings: ReconstructionSettings;
  /** Capture about this many frames of each phase for the chain player (0 = none). */
  captureFrames?: number;
}

export interface ReconstructionOutput {
  reconstructions: Float32Array[];
  chain: ChainFrame[];
}

/** Progress steps of one batch: the encoding's (L / k, or one q_sample) and L / k decoding steps. */
export function reconstructionSteps(
  settings: Pick<ReconstructionSettings, 'noiseLevel' | 'stride' | 'encoding'>,
  steps: number,
): number {
  const decodeSteps = ddimTimesteps(settings.noiseLevel, settings.stride, steps).length - 1;
  return (settings.encoding === 'ddim' ? decodeSteps : 1) + decodeSteps;
}

/** Encodes a batch of slices to x_L and decodes them with classifier guidance (ALGORITHM.md). */
export async function reconstructBatch(
  input: ReconstructionInput,
  control: JobControl = {},
): Promise<ReconstructionOutput> {
  const { schedule, predictNoise, guidanceGradient, slices, settings } = input;
  if (slices.length === 0) return { reconstructions: [], chain: [] };
  const size = slices[0].size;
  if (slices.some((s) => s.size !== size || s.pixels.length !== size * size))
    throw new Error('all slices of a batch must be preprocessed to the same size');
  if (settings.guidanceScale !== 0 && !guidanceGradient)
    throw new Error('guidance scale is not 0 but no classifier is loaded');

  const timesteps = ddimTimesteps(settings.noiseLevel, settings.stride, schedule.steps);
  const tracker = new ProgressTracker(
    control,
    'reconstruct',
    reconstructionSteps(settings, schedule.steps),
    'reconstruction',
  );
  const capture = frameSelector(timesteps, input.captureFrames ?? 0);
  const chain: ChainFrame[] = [];
  const batch = slices.length;

  let x = tf.tidy(() => {
    const flat = new Float32Array(batch * size * size);
    slices.forEach((s, i) => flat.set(s.pixels, i * size * size));
    return tf.tensor4d(flat, [batch, size, size, 1]);
  });
  try {
    const noiseLevel = timesteps[timesteps.length - 1];
    if (settings.encoding === 'ddim') {
      for (let i = 0; i + 1 < timesteps.length; i++) {
        await tracker.checkpoint();
        if (capture.has(timesteps[i])) chain.push(await frame('encode', timesteps[i], x, null));
        x = replace(x, encodeStep(schedule, predictNoise, x, timesteps[i], timesteps[i + 1]));
        tracker.step();
      }
    } else {
      await tracker.checkpoint();
      // Every slice gets the seed's one noise image, so a slice's result does not depend on
      // its place in the batch or on the batch size, and re-running it alone reproduces it.
      // Our own seeded generator: tf.randomNormal treats seed 0 as "no seed" and draws anew.
      const eps = seededNoise(settings.seed ?? 0, size, batch);
      x = replace(x, qSample(schedule, x, noiseLevel, eps));
      eps.dispose();
      tracker.step();
    }
    for (let i = timesteps.length - 1; i > 0; i--) {
      await tracker.checkpoint();
      x = replace(x, await decodeStep(input, x, timesteps[i], timesteps[i - 1], capture, chain));
      tracker.step();
    }
    // The decoded image itself, the chain's last frame (t = 0 is always among the captured).
    if (capture.has(timesteps[0])) chain.push(await frame('decode', timesteps[0], x, null));
    return { reconstructions: await perSlice(x), chain };
  } finally {
    x.dispose();
  }
}

/**
 * One guided decoding step of the batch x_t -> x_{t-k} (the guidance gradient computed here or in
 * the guidance process while eps_theta runs here); x itself is left to the caller.
 */
async function decodeStep(
  input: ReconstructionInput,
  x: tf.Tensor4D,
  t: number,
  tPrev: number,
  capture: Set<number>,
  chain: ChainFrame[],
): Promise<tf.Tensor4D> {
  const { schedule, predictNoise, guidanceGradient, settings } = input;
  const pendingGradient =
    settings.guidanceScale !== 0 && guidanceGradient ? guidanceGradient(x, t) : null;
  const remote = pendingGradient && 'sent' in pendingGradient ? pendingGradient : null;
  // A request to a guidance process must have left before eps_theta occupies this thread.
  if (remote) await remote.sent;
  const eps = predictNoise(x, t);
  const gradient = remote ? await remote.gradient : (pendingGradient as tf.Tensor4D | null);
  try {
    if (capture.has(t)) chain.push(await frame('decode', t, x, gradient));
    return guidedDecodeStep(schedule, x, eps, gradient, settings.guidanceScale, t, tPrev);
  } finally {
    eps.dispose();
    gradient?.dispose();
  }
}

/** One seeded noise image, the same for every slice of the batch. */
function seededNoise(seed: number, size: number, batch: number): tf.Tensor4D {
  const random = mulberry32(seed);
  const noise = Float32Array.from({ length: size * size }, () => gaussian(random));
  return tf.tidy(
    () => tf.tile(tf.tensor4d(noise, [1, size, size, 1]), [batch, 1, 1, 1]) as tf.Tensor4D,
  );
}

function replace(old: tf.Tensor4D, next: tf.Tensor4D): tf.Tensor4D {
  old.dispose();
  return next;
}

async function frame(
  phase: 'encode' | 'decode',
  t: number,
  x: tf.Tensor4D,
  gradient: tf.Tensor4D | null,
) {
  return { phase, t, x: await perSlice(x), gradient: gradient ? await perSlice(gradient) : null };
}

async function perSlice(tensor: tf.Tensor4D): Promise<Float32Array[]> {
  const [batch, height, width] = tensor.shape;
  const values = (await tensor.data()) as Float32Array;
  const n = height * width;
  return Array.from({ length: batch }, (_, i) =>
    Float32Array.from(values.subarray(i * n, (i + 1) * n)),
  );
}

/** About `frames` evenly spaced timesteps (always including both ends) to capture. */
function frameSelector(timesteps: number[], frames: number): Set<number> {
  if (frames <= 0) return new Set();
  const picked = new Set<number>();
  const last = timesteps.length - 1;
  for (let i = 0; i < frames; i++)
    picked.add(timesteps[Math.round((i * last) / Math.max(frames - 1, 1))]);
  return picked;
}

export interface StitchInput extends ReconstructionInput {
  /** The first (guided) reconstructions of the slices. */
  firstReconstructions: Float32Array[];
  /** Coarse anomaly masks, S x S, 1 where the slice is re-synthesised. */
  masks: Uint8Array[];
  /** The timestep the stitched slices are re-noised to. */
  resampleLevel: number;
}

/** The seed of the noise that re-noises the input outside the mask at timestep t. */
const STITCH_SEED_OFFSET = 7919;

/**
 * AutoDDPM's mask, stitch and re-sample (Bercea et al. 2023): the first reconstruction is
 * stitched into the input inside the mask (x_s = m x_hat + (1 - m) x_0), re-noised to the
 * resample level (x_t = q_sample(x_s, t)), then decoded with guidance while, at every step, the
 * pixels outside the mask are replaced by the input noised to the same timestep
 * (x_{t-k} = m x_{t-k} + (1 - m) q_sample(x_0, t - k)), inpainting-style; at t = 0 the input
 * itself is put back outside the mask, so healthy tissue is returned exactly as it was.
 */
export async function stitchResampleBatch(
  input: StitchInput,
  control: JobControl = {},
): Promise<ReconstructionOutput> {
  const { schedule, slices, settings, masks, firstReconstructions } = input;
  if (slices.length === 0) return { reconstructions: [], chain: [] };
  const size = slices[0].size;
  const n = size * size;
  if (masks.length !== slices.length || firstReconstructions.length !== slices.length)
    throw new Error(
      `stitch: ${slices.length} slices, ${masks.length} masks and ${firstReconstructions.length} first reconstructions`,
    );
  if ([...masks, ...firstReconstructions].some((a) => a.length !== n))
    throw new Error(`stitch: every mask and first reconstruction must have ${n} pixels`);
  if (settings.guidanceScale !== 0 && !input.guidanceGradient)
    throw new Error('guidance scale is not 0 but no classifier is loaded');
  const timesteps = ddimTimesteps(input.resampleLevel, settings.stride, schedule.steps);
  const tracker = new ProgressTracker(control, 'stitch', timesteps.length, 'stitch and resample');
  const batch = slices.length;
  const stacked = (arrays: ArrayLike<number>[]) => {
    const flat = new Float32Array(batch * n);
    arrays.forEach((a, i) => flat.set(a, i * n));
    return tf.tensor4d(flat, [batch, size, size, 1]);
  };
  const x0 = stacked(slices.map((s) => s.pixels));
  const mask = stacked(masks);
  const stitchOutside = (inside: tf.Tensor4D, outside: tf.Tensor4D) =>
    tf.tidy(() => tf.add(tf.mul(mask, inside), tf.mul(tf.sub(1, mask), outside)) as tf.Tensor4D);
  const seed = settings.seed ?? 0;
  const noisedInput = (t: number) =>
    tf.tidy(() =>
      qSample(schedule, x0, t, seededNoise(seed + STITCH_SEED_OFFSET + t, size, batch)),
    );
  let x = tf.tidy(() => {
    const first = stacked(firstReconstructions);
    return qSample(
      schedule,
      stitchOutside(first, x0),
      input.resampleLevel,
      seededNoise(seed, size, batch),
    );
  });
  try {
    tracker.step();
    const capture = frameSelector(timesteps, input.captureFrames ?? 0);
    const chain: ChainFrame[] = [];
    for (let i = timesteps.length - 1; i > 0; i--) {
      await tracker.checkpoint();
      const tPrev = timesteps[i - 1];
      const decoded = await decodeStep(input, x, timesteps[i], tPrev, capture, chain);
      const outside = tPrev === 0 ? x0 : noisedInput(tPrev);
      x = replace(x, stitchOutside(decoded, outside));
      decoded.dispose();
      if (outside !== x0) outside.dispose();
      tracker.step();
    }
    return { reconstructions: await perSlice(x), chain };
  } finally {
    x.dispose();
    x0.dispose();
    mask.dispose();
  }
}
