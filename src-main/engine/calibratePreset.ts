/**
 * Calibrates a preset's two operating points on the healthy images of a dataset split with the
 * preset's own settings: the pixel cut-off at `pixelFpr` of their brain pixels and the image
 * operating point at `imageScoreFpr` of the images (engine/operatingPoint.ts).
 */
import { calibrateOperatingPoints, type OperatingPoints } from './operatingPoint.ts';
import { reconstruct, type LoadedModels } from './pipeline.ts';
import type { Preset } from './preset.ts';
import { prepareCases, readDatasetManifest } from './train/dataset.ts';
import type { JobControl } from './types.ts';

export interface PresetCalibration extends OperatingPoints {
  /** The images calibrated on, as the preset's `calibrationSet` names them. */
  calibrationSet: string;
  /** Each healthy image's score, in manifest order, to see how close they sit to the point. */
  healthyScores: { image: string; score: number }[];
}

export async function calibratePreset(
  models: LoadedModels,
  manifestPath: string,
  split: string,
  control: JobControl = {},
): Promise<PresetCalibration> {
  const healthy = (await readDatasetManifest(manifestPath)).filter(
    (c) => c.split === split && c.label === 'normal',
  );
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
  return {
    ...calibrateOperatingPoints(results, models.preset),
    calibrationSet: `${split} split of ${manifestPath.split(/[\\/]/).slice(-2).join('/')}, ${healthy.length} healthy images`,
    healthyScores: healthy.map((c, i) => ({ image: c.image, score: results[i].score })),
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
