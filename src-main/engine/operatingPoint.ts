/**
 * The preset's two operating points, both calibrated on healthy images at a stated
 * false-positive rate (ALGORITHM.md, "Anomaly map and scores"): the pixel cut-off, in map units,
 * and the image operating point, in image-score units. Never one for the other: a pixel cut-off
 * compared with image scores calls every image pathological.
 */
import { calibrateThreshold } from './anomaly/index.ts';
import { settingsFor } from './pipeline.ts';
import type { Preset } from './preset.ts';
import type { ReconstructionSettings } from './types.ts';

export interface OperatingPoints {
  /** Map value: at most `pixelFpr` of the healthy images' brain pixels lie above it. */
  pixelThreshold: number;
  /** Image score: at most `imageScoreFpr` of the healthy images score above it. */
  imageScoreThreshold: number;
}

/**
 * The smallest score t such that `score > t` holds for at most `fpr` of the healthy scores: the
 * (1 - fpr) order statistic, in float64 so no healthy score rounds above its own threshold.
 */
export function calibrateImageScoreThreshold(
  healthyScores: readonly number[],
  fpr: number,
): number {
  if (!(fpr > 0 && fpr < 1)) throw new RangeError(`imageScoreFpr must be in (0, 1), got ${fpr}`);
  if (healthyScores.length === 0)
    throw new RangeError('cannot calibrate an image operating point on no healthy images');
  if (healthyScores.some((s) => !Number.isFinite(s)))
    throw new RangeError('cannot calibrate an image operating point on non-finite scores');
  const sorted = Float64Array.from(healthyScores).sort();
  const allowed = Math.floor(fpr * sorted.length + 1e-9);
  return sorted[sorted.length - 1 - allowed];
}

/**
 * The image operating point that holds for maps made with `settings`: the preset's, calibrated on
 * the preset's own settings, when `settings` are those (every setting equal, arrays by value);
 * otherwise null, since an image score of other settings has another scale (no verdict).
 */
export function imageOperatingPointFor(
  preset: Preset,
  settings: ReconstructionSettings,
): number | null {
  const own = settingsFor(preset) as Record<string, unknown>;
  const given = settings as Record<string, unknown>;
  const keys = new Set([...Object.keys(own), ...Object.keys(given)]);
  const same = [...keys].every((key) => JSON.stringify(own[key]) === JSON.stringify(given[key]));
  return same ? preset.imageScoreThreshold : null;
}

/** Both operating points from the maps, brain masks and scores of healthy calibration images. */
export function calibrateOperatingPoints(
  healthy: readonly { sliceMap: Float32Array; brainMask: Uint8Array; score: number }[],
  rates: { pixelFpr: number; imageScoreFpr: number },
): OperatingPoints {
  return {
    pixelThreshold: calibrateThreshold(
      healthy.map((r) => r.sliceMap),
      healthy.map((r) => r.brainMask),
      rates.pixelFpr,
    ),
    imageScoreThreshold: calibrateImageScoreThreshold(
      healthy.map((r) => r.score),
      rates.imageScoreFpr,
    ),
  };
}
