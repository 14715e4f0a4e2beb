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
      const random = mulberry32(settings.seed ?? 0);
      const noise = Float32Array.from({ length: size * size }, () => gaussian(random));
      const eps = tf.tidy(
        () => tf.tile(tf.tensor4d(noise, [1, size, size, 1]), [batch, 1, 1, 1]) as tf.Tensor4D,
      );
      x = replace(x, qSample(schedule, x, noiseLevel, eps));
      eps.dispose();
      tracker.step();
    }
    for (let i = timesteps.length - 1; i > 0; i--) {
      await tracker.checkpoint();
      const t = timesteps[i];
      const pendingGradient =
        settings.guidanceScale !== 0 && guidanceGradient ? guidanceGradient(x, t) : null;
      const remote = pendingGradient && 'sent' in pendingGradient ? pendingGradient : null;
      // A request to a guidance process must have left before eps_theta occupies this thread.
      if (remote) await remote.sent;
      const eps = predictNoise(x, t);
      const gradient = remote ? await remote.gradient : (pendingGradient as tf.Tensor4D | null);
      if (capture.has(t)) chain.push(await frame('decode', t, x, gradient));
      x = replace(
        x,
        guidedDecodeStep(schedule, x, eps, gradient, settings.guidanceScale, t, timesteps[i - 1]),
      );
      eps.dispose();
      gradient?.dispose();
      tracker.step();
    }
    // The decoded image itself, the chain's last frame (t = 0 is always among the captured).
    if (capture.has(timesteps[0])) chain.push(await frame('decode', timesteps[0], x, null));
    const values = await x.data();
    const reconstructions = slices.map((_, i) =>
      Float32Array.from(values.subarray(i * size * size, (i + 1) * size * size)),
    );
    return { reconstructions, chain };
  } finally {
    x.dispose();
  }
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
