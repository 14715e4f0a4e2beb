/**
 * Window/level presets, kept as data (OHIF habit) and bound to the number keys 1..9.
 * MR intensities have no absolute scale (unlike CT Hounsfield units), so each preset is a pair
 * of percentiles of the slice being shown rather than fixed numbers.
 */
import { percentile, windowForRange, type WindowLevel } from './windowLevel.ts';

export interface WindowPreset {
  /** The number key that selects it. */
  key: string;
  name: string;
  lowPercentile: number;
  highPercentile: number;
}

export const windowPresets: readonly WindowPreset[] = [
  { key: '1', name: 'Auto (1–99 %)', lowPercentile: 0.01, highPercentile: 0.99 },
  { key: '2', name: 'Full range', lowPercentile: 0, highPercentile: 1 },
  { key: '3', name: 'Soft (5–95 %)', lowPercentile: 0.05, highPercentile: 0.95 },
  { key: '4', name: 'High contrast (20–80 %)', lowPercentile: 0.2, highPercentile: 0.8 },
  { key: '5', name: 'Bright tissue (50–99.5 %)', lowPercentile: 0.5, highPercentile: 0.995 },
  { key: '6', name: 'Dark tissue (0–60 %)', lowPercentile: 0, highPercentile: 0.6 },
  { key: '7', name: 'Brain parenchyma (30–98 %)', lowPercentile: 0.3, highPercentile: 0.98 },
  { key: '8', name: 'Lesion hunt (70–100 %)', lowPercentile: 0.7, highPercentile: 1 },
  { key: '9', name: 'Wide (0.1–99.9 %)', lowPercentile: 0.001, highPercentile: 0.999 },
];

/** The window a preset gives on one slice. */
export function windowFromPreset(pixels: ArrayLike<number>, preset: WindowPreset): WindowLevel {
  return windowForRange({
    min: percentile(pixels, preset.lowPercentile),
    max: percentile(pixels, preset.highPercentile),
  });
}
