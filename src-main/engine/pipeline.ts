import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { backendReport } from './backend.ts';
import type { GuidanceGradient } from './diffusion/ddim.ts';
import type { ChainFrame } from './diffusion/reconstruct.ts';
import { mapBatch, mapMethodSteps, type SliceResult } from './mapMethods.ts';
import { RemoteGuidance } from './diffusion/remoteGuidance.ts';
import { linearSchedule, type Schedule } from './diffusion/schedule.ts';
import {
  HEALTHY_RESIDUAL_FILE,
  checkedHealthyResidual,
  readHealthyResidual,
  settingsKeyOf,
  type HealthyResidualFile,
} from './healthyResidualFile.ts';
import { loadModel, type Model } from './models.ts';
import { healthyGradient, noisePredictor, pathologicalProbability } from './predictors.ts';
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
  /** DIR/healthy-residual.json when present: the healthy residual for mapNormalisation. */
  healthyResidual: HealthyResidualFile | null;
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
    const healthyResidual = existsSync(join(dir, HEALTHY_RESIDUAL_FILE))
      ? await readHealthyResidual(join(dir, HEALTHY_RESIDUAL_FILE))
      : null;
    return { ...checkedModels(dir, diffusion, classifier, preset), healthyResidual };
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
): Omit<LoadedModels, 'healthyResidual'> {
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

/**
 * The settings a reconstruction ran with: the preset, overridden where asked. The preset's
 * decoding, ensemble and healthy-residual normalisation were made for its own raw map, so unless
 * the overrides set them too: a preset decoding in one step (k = L) does so at any L; a noise
 * level outside the preset's ensemble is reconstructed alone; and any other raw map (another L,
 * k, s, encoding, residual, draws...) is left unnormalised ('none', stored with the result)
 * instead of being divided by a residual that is not its own.
 */
export function settingsFor(
  preset: Preset,
  overrides: Partial<ReconstructionSettings> = {},
): ReconstructionSettings {
  const own: ReconstructionSettings = {
    noiseLevel: preset.noiseLevel,
    stride: preset.stride,
    guidanceScale: preset.guidanceScale,
    encoding: preset.encoding,
    seed: preset.seed,
    ...mapSettingsOf(preset),
  };
  const settings: ReconstructionSettings = { ...own, ...overrides };
  // a preset that decodes in one step (k = L) keeps decoding in one step at another L
  if (overrides.stride === undefined && own.stride === own.noiseLevel)
    settings.stride = settings.noiseLevel;
  if (
    overrides.noiseLevels === undefined &&
    settings.noiseLevels &&
    !settings.noiseLevels.includes(settings.noiseLevel)
  )
    settings.noiseLevels = [settings.noiseLevel];
  if (
    overrides.mapNormalisation === undefined &&
    (settings.mapNormalisation ?? 'none') !== 'none' &&
    settingsKeyOf(settings, 0) !== settingsKeyOf(own, 0)
  )
    settings.mapNormalisation = 'none';
  return settings;
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
  const healthyResidual =
    (settings.mapNormalisation ?? 'none') === 'none'
      ? undefined
      : checkedHealthyResidual(models.healthyResidual, models.diffusion, settings, sigma);
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
        healthyResidual,
      },
      { signal: control.signal, onProgress: () => tracker.step(batch.length) },
    );
    chain.push(...output.chain);
    results.push(...output.results);
  }
  return { results, chain, settings };
}
