/**
 * Makes models/healthy-residual.json: the raw maps (the preset's settings without the
 * normalisation) of healthy training images, their per-pixel mean and spread. Healthy images of
 * the train split from the source the readers' studies come from (fastMRI by default), minus the
 * classifier's held-out cases; never val or test.
 */
import { estimateHealthyResidual } from './anomaly/healthyResidual.ts';
import {
  diffusionFingerprint,
  rawMapSettings,
  settingsKeyOf,
  type HealthyResidualFile,
} from './healthyResidualFile.ts';
import { reconstruct, settingsFor, type LoadedModels } from './pipeline.ts';
import { classifierSplit } from './train/index.ts';
import { prepareCases, readDatasetManifest } from './train/dataset.ts';
import type { JobControl, ReconstructionSettings } from './types.ts';

export interface HealthyResidualOptions {
  manifestPath: string;
  /** Only healthy train images of this source ('all': every source). */
  source?: string;
  /** At most this many images (the first in manifest order). */
  limit?: number;
  overrides?: Partial<ReconstructionSettings>;
}

export async function calibrateHealthyResidual(
  models: LoadedModels,
  options: HealthyResidualOptions,
  control: JobControl = {},
): Promise<HealthyResidualFile> {
  const all = await readDatasetManifest(options.manifestPath);
  const heldOut = new Set(classifierSplit(all).holdout.healthy.map((c) => c.image));
  const source = options.source ?? 'fastMRI';
  const healthy = all
    .filter((c) => c.split === 'train' && c.label === 'normal' && !heldOut.has(c.image))
    .filter((c) => source === 'all' || c.source === source)
    .slice(0, options.limit);
  if (healthy.length < 10)
    throw new Error(
      `${options.manifestPath}: ${healthy.length} healthy train images of source "${source}"; the healthy residual needs at least 10`,
    );
  const size = models.diffusion.config.imageSize;
  const cases = await prepareCases(healthy, size);
  const settings: ReconstructionSettings = {
    ...settingsFor(models.preset, options.overrides),
    mapNormalisation: 'none',
  };
  const { results } = await reconstruct(
    models,
    cases.map((c) => ({ size, pixels: c.pixels })),
    { settings },
    control,
  );
  const sigma = models.preset.smoothingSigma;
  return {
    ...estimateHealthyResidual(
      results.map((r) => r.sliceMap),
      results.map((r) => r.brainMask),
      size,
    ),
    diffusion: diffusionFingerprint(models.diffusion),
    settingsKey: settingsKeyOf(settings, sigma),
    settings: rawMapSettings(settings, sigma),
    images: healthy.length,
    source: `${healthy.length} healthy train images (${source}) of ${options.manifestPath.split(/[\\/]/).slice(-2).join('/')}, the classifier's held-out cases left out`,
  };
}
