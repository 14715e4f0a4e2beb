import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { backendReport } from './backend.ts';
import type { GuidanceGradient } from './diffusion/ddim.ts';
import type { ChainFrame } from './diffusion/reconstruct.ts';
import { mapBatch, mapMethodSteps, type SliceResult } from './mapMethods.ts';
import { RemoteGuidance } from './diffusion/remoteGuidance.ts';
import { linearSchedule, type Schedule } from './diffusion/schedule.ts';
import { loadModel, type Model } from './models.ts';
import { classifierLogits, noiseModel } from './nn/unet.ts';
import { fallbackPreset, mapSettingsOf, readPreset, type Preset } from './preset.ts';
import { ProgressTracker } from './progress.ts';
import type { JobControl, ReconstructionSettings, Slice } from './types.ts';

/** The diffusion model, the classifier (optional: needed for guidance) and the preset. */
export interface LoadedModels {
  dir: string;
  diffusion: Model;
  classifier: Model | null;
  preset: Preset;
  schedule: Schedule;
}

/**
 * Loads DIR/diffusion, DIR/classifier (if present) and DIR/preset.json, checking that they were
 * made for the same image size and preprocessing.
 */
export async function loadModels(dir: string): Promise<LoadedModels> {
  const diffusion = await loadModel(join(dir, 'diffusion'), 'diffusion');
  let classifier: Model | null = null;
  try {
    classifier = existsSync(join(dir, 'classifier'))
      ? await loadModel(join(dir, 'classifier'), 'classifier')
      : null;
    const preset = existsSync(join(dir, 'preset.json'))
      ? await readPreset(join(dir, 'preset.json'))
      : fallbackPreset;
    return checkedModels(dir, diffusion, classifier, preset);
  } catch (error) {
    // A refused folder must not keep the weights it loaded before the refusal.
    diffusion.params.dispose();
    classifier?.params.dispose();
    throw error;
  }
}

function checkedModels(
  dir: string,
  diffusion: Model,
  classifier: Model | null,
  preset: Preset,
): LoadedModels {
  const size = diffusion.config.imageSize;
  if (
    classifier &&
    (classifier.config.imageSize !== size ||
      classifier.manifest.preprocessing.method !== diffusion.manifest.preprocessing.method)
  )
    throw new Error(
      `${dir}: the classifier was made for ${classifier.config.imageSize} px / ${classifier.manifest.preprocessing.method}, the diffusion model for ${size} px / ${diffusion.manifest.preprocessing.method}`,
    );
  if (preset.imageSize !== size)
    throw new Error(
      `${dir}/preset.json: preset is for ${preset.imageSize} px, the models for ${size} px`,
    );
  const { steps, betaStart, betaEnd } = diffusion.manifest.schedule;
  return {
    dir,
    diffusion,
    classifier,
    preset,
    schedule: linearSchedule(steps, betaStart, betaEnd),
  };
}

export function disposeModels(models: LoadedModels): void {
  models.diffusion.params.dispose();
  models.classifier?.params.dispose();
}

/** eps_theta at one timestep for a batch. */
export function noisePredictor(model: Model) {
  return (x: tf.Tensor4D, t: number) =>
    tf.tidy(() =>
      noiseModel(model.params, model.config, x, tf.fill([x.shape[0]], t) as tf.Tensor1D),
    );
}

/**
 * Slices per gradient pass on wasm. The gradient keeps every activation of the classifier for
 * the backward pass, and the wasm heap never shrinks: at batch 8 the guidance process peaked at
 * about 1 GB, two slices at a time at 425 MB, no slower (bench/README.md). Each slice's gradient
 * depends on that slice alone (no layer mixes the batch), so the values are the same.
 */
export const WASM_GRADIENT_CHUNK = 2;

/**
 * grad_x log p_phi(y = healthy | x_t, t), per slice of the batch; `chunk` slices per pass
 * (default: WASM_GRADIENT_CHUNK on wasm, the whole batch elsewhere).
 */
export function healthyGradient(model: Model, chunk?: number) {
  const one = (x: tf.Tensor4D, t: number) =>
    tf.tidy(() => {
      const timesteps = tf.fill([x.shape[0]], t) as tf.Tensor1D;
      const logHealthy = (input: tf.Tensor) =>
        tf.sum(
          tf.slice(
            tf.logSoftmax(
              classifierLogits(model.params, model.config, input as tf.Tensor4D, timesteps),
            ),
            [0, 0],
            [-1, 1],
          ),
        );
      return tf.grad(logHealthy)(x) as tf.Tensor4D;
    });
  return (x: tf.Tensor4D, t: number): tf.Tensor4D => {
    const size = chunk ?? (tf.getBackend() === 'wasm' ? WASM_GRADIENT_CHUNK : x.shape[0]);
    if (x.shape[0] <= size) return one(x, t);
    const parts: tf.Tensor4D[] = [];
    try {
      for (let from = 0; from < x.shape[0]; from += size) {
        const part = tf.slice(x, [from, 0, 0, 0], [Math.min(size, x.shape[0] - from), -1, -1, -1]);
        parts.push(one(part, t));
        part.dispose();
      }
      return tf.concat(parts, 0);
    } finally {
      for (const part of parts) part.dispose();
    }
  };
}

/** p_phi(pathological | x_t, t) per slice, e.g. to validate the classifier at several t. */
export function pathologicalProbability(model: Model, slices: Slice[], t: number): Float32Array {
  return tf.tidy(() => {
    const size = slices[0].size;
    const x = tf.tensor4d(concat(slices.map((s) => s.pixels)), [slices.length, size, size, 1]);
    const logits = classifierLogits(
      model.params,
      model.config,
      x,
      tf.fill([slices.length], t) as tf.Tensor1D,
    );
    return tf.softmax(logits).slice([0, 1], [-1, 1]).dataSync() as Float32Array;
  });
}

export type { SliceResult } from './mapMethods.ts';

export interface ReconstructOptions {
  settings?: Partial<ReconstructionSettings>;
  /**
   * The job's guidance (startGuidance), shared by all its calls so that a job starts one
   * guidance process and loads its classifier once. Left out, the call starts its own.
   */
  guidance?: Guidance;
  /**
   * Compute the guidance gradient in a second process while this one computes eps_theta.
   * Default: on single-threaded backends (wasm, cpu) when guiding with a classifier from disk.
   */
  parallel?: boolean;
  smoothingSigma?: number;
  batchSize?: number;
  captureFrames?: number;
}

/** The settings a reconstruction ran with: the preset, overridden where asked. */
export function settingsFor(
  preset: Preset,
  overrides: Partial<ReconstructionSettings> = {},
): ReconstructionSettings {
  return {
    noiseLevel: preset.noiseLevel,
    stride: preset.stride,
    guidanceScale: preset.guidanceScale,
    encoding: preset.encoding,
    seed: preset.seed,
    ...mapSettingsOf(preset),
    ...overrides,
  };
}

/**
 * What guides a job's decoding: the classifier's gradient computed in one guidance process (on
 * single-threaded backends, in parallel with eps_theta) or in this one. Start it once per job,
 * pass it to every reconstruct call, and stop it when the job ends.
 */
export interface Guidance {
  gradient: GuidanceGradient | undefined;
  stop(): Promise<void>;
}

/** The guidance for reconstructions with `settings` (none when unguided or without a classifier). */
export async function startGuidance(
  models: LoadedModels,
  settings: Pick<ReconstructionSettings, 'guidanceScale'>,
  parallel?: boolean,
): Promise<Guidance> {
  const none = async () => {};
  if (settings.guidanceScale === 0 || !models.classifier)
    return { gradient: undefined, stop: none };
  if (!(parallel ?? backendReport()?.name !== 'tensorflow'))
    return { gradient: healthyGradient(models.classifier), stop: none };
  const remote = await RemoteGuidance.start(join(models.dir, 'classifier'));
  return { gradient: (x, t) => remote.gradient(x, t), stop: () => remote.stop() };
}

/** Guided reconstruction, anomaly map and image score of many slices, in batches. */
export async function reconstruct(
  models: LoadedModels,
  slices: Slice[],
  options: ReconstructOptions = {},
  control: JobControl = {},
): Promise<{ results: SliceResult[]; chain: ChainFrame[]; settings: ReconstructionSettings }> {
  const settings = settingsFor(models.preset, options.settings);
  const size = models.diffusion.config.imageSize;
  for (const s of slices)
    if (s.size !== size) throw new Error(`slice is ${s.size} px but the models expect ${size} px`);
  const guidance = options.guidance ?? (await startGuidance(models, settings, options.parallel));
  try {
    const gradient = settings.guidanceScale === 0 ? undefined : guidance.gradient;
    return await reconstructInBatches(models, slices, settings, gradient, options, control);
  } finally {
    if (!options.guidance) await guidance.stop();
  }
}

async function reconstructInBatches(
  models: LoadedModels,
  slices: Slice[],
  settings: ReconstructionSettings,
  guidanceGradient: GuidanceGradient | undefined,
  options: ReconstructOptions,
  control: JobControl,
) {
  const batchSize = options.batchSize ?? 8;
  const sigma = options.smoothingSigma ?? models.preset.smoothingSigma;
  const results: SliceResult[] = [];
  const chain: ChainFrame[] = [];
  // One pace for the whole call: each step of a batch advances every slice of it one step.
  const steps = mapMethodSteps(settings, models.schedule.steps, slices[0]?.size);
  const tracker = new ProgressTracker(
    control,
    'reconstruct',
    slices.length * steps,
    'reconstruction',
  );
  for (let start = 0; start < slices.length; start += batchSize) {
    const batch = slices.slice(start, start + batchSize);
    const output = await mapBatch(
      {
        schedule: models.schedule,
        predictNoise: noisePredictor(models.diffusion),
        guidanceGradient,
        slices: batch,
        settings,
        captureFrames: start === 0 ? options.captureFrames : 0,
        smoothingSigma: sigma,
        scoreTopFraction: models.preset.scoreTopFraction,
        defaultMaskThreshold: models.preset.pixelThreshold,
        classifierProbability: models.classifier
          ? (items) => pathologicalProbability(models.classifier!, items, 0)
          : undefined,
      },
      { signal: control.signal, onProgress: () => tracker.step(batch.length) },
    );
    chain.push(...output.chain);
    results.push(...output.results);
  }
  return { results, chain, settings };
}

function concat(arrays: Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}
