/**
 * Calibrates a preset's two operating points on the healthy images of a dataset split with the
 * preset's own settings: the pixel cut-off at `pixelFpr` of their brain pixels and the image
 * operating point at `imageScoreFpr` of the images (engine/operatingPoint.ts).
 */
import {
  calibrateImageScoreThreshold,
  calibrateOperatingPoints,
  type OperatingPoints,
} from './operatingPoint.ts';
import { reconstruct, settingsFor, type LoadedModels } from './pipeline.ts';
import { pathologicalProbabilities } from './predictors.ts';
import { classifierSplit } from './train/index.ts';
import type { Preset } from './preset.ts';
import { prepareCases, readDatasetManifest } from './train/dataset.ts';
import type { JobControl } from './types.ts';

export interface PresetCalibration extends OperatingPoints {
  /** The images calibrated on, as the preset's `calibrationSet` names them. */
  calibrationSet: string;
  /** Each healthy image's score, in manifest order, to see how close they sit to the point. */
  healthyScores: { image: string; score: number }[];
}

/**
 * With `imageCalibration: 'holdout'` and the classifier's image score, the image operating point
 * is calibrated on the split's healthy images and the classifier's held-out healthy cases
 * together (no model took them as classifier input; 15 images alone put the point at their
 * highest score). The pixel cut-off stays on the split: the diffusion model trained on them.
 */
export async function calibratePreset(
  models: LoadedModels,
  manifestPath: string,
  split: string,
  control: JobControl = {},
  imageCalibration: 'holdout' | 'none' = 'none',
): Promise<PresetCalibration> {
  const all = await readDatasetManifest(manifestPath);
  const healthy = all.filter((c) => c.split === split && c.label === 'normal');
  if (healthy.length === 0)
    throw new Error(`${manifestPath}: no healthy images in split "${split}" to calibrate on`);
  const size = models.diffusion.config.imageSize;
  const cases = await prepareCases(healthy, size);
  const { results } = await reconstruct(
    models,
    cases.map((c) => ({ size, pixels: c.pixels })),
    {},
    control,
  );
  const name = manifestPath.split(/[\\/]/).slice(-2).join('/');
  const healthyScores = healthy.map((c, i) => ({ image: c.image, score: results[i].score }));
  const byClassifier = settingsFor(models.preset).imageScore === 'classifier' && models.classifier;
  if (imageCalibration === 'none' || !byClassifier)
    return {
      ...calibrateOperatingPoints(results, models.preset),
      calibrationSet: `${split} split of ${name}, ${healthy.length} healthy images`,
      healthyScores,
    };
  const extra = classifierSplit(all).holdout.healthy;
  const extraCases = await prepareCases(extra, size);
  const extraScores = pathologicalProbabilities(
    models.classifier!,
    extraCases.map((c) => ({ size, pixels: c.pixels })),
    0,
  );
  const allScores = [
    ...healthyScores,
    ...extra.map((c, i) => ({ image: c.image, score: extraScores[i] })),
  ];
  return {
    pixelThreshold: calibrateOperatingPoints(results, models.preset).pixelThreshold,
    imageScoreThreshold: calibrateImageScoreThreshold(
      allScores.map((h) => h.score),
      models.preset.imageScoreFpr,
    ),
    calibrationSet: `pixel cut-off: ${split} split of ${name}, ${healthy.length} healthy images; image operating point: those and the classifier's ${extra.length} held-out healthy train images (${allScores.length})`,
    healthyScores: allScores,
  };
}

/** The preset with its operating points replaced by a calibration's. */
export function calibratedPreset(preset: Preset, calibration: PresetCalibration): Preset {
  return {
    ...preset,
    pixelThreshold: calibration.pixelThreshold,
    imageScoreThreshold: calibration.imageScoreThreshold,
    calibrationSet: calibration.calibrationSet,
  };
}
