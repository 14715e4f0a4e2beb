/**
 * The colour scale of anomaly maps. Fixed by default: from 0 to a set multiple of the pixel
 * operating point, the same for every case of a run, so a healthy slice whose map peaks at 0.12
 * stays dark where a tumour at 0.9 burns. Stretched to one case's own maximum only when the
 * reader asks (to see the shape of faint differences), and then the colour bar says so.
 */
import type { IntensityRange } from './windowLevel.ts';

/** The fixed scale spans this many pixel operating points: the cut-off sits a quarter up the bar. */
export const FIXED_SCALE_OPERATING_POINTS = 4;

export type HeatScale = 'fixed' | 'stretched';

/**
 * The map values at the bottom and the top of the colour scale. Fixed: [0, 4 x the pixel
 * operating point]; without an operating point there is nothing to anchor to, so the case's own
 * range is used and `anchored` is false.
 */
export function heatScaleRange(
  scale: HeatScale,
  pixelOperatingPoint: number | null,
  mapRange: IntensityRange,
): IntensityRange & { anchored: boolean } {
  if (scale === 'fixed' && pixelOperatingPoint !== null && pixelOperatingPoint > 0) {
    return { min: 0, max: FIXED_SCALE_OPERATING_POINTS * pixelOperatingPoint, anchored: true };
  }
  return { ...stretchedRange(mapRange, pixelOperatingPoint), anchored: false };
}

/** One case's own range: from 0 (or its minimum) to its maximum, stretched to hold the cut-off. */
export function stretchedRange(map: IntensityRange, cutOff: number | null): IntensityRange {
  const min = Math.min(0, map.min);
  return { min, max: Math.max(map.max, cutOff ?? map.max, min + 1e-6) };
}

/** The colour bar's caption: which scale the colours are on. */
export function heatScaleCaption(range: { anchored: boolean }, scale: HeatScale): string {
  if (range.anchored) return 'fixed scale, same for every case';
  return scale === 'stretched'
    ? 'stretched to this case'
    : 'this case’s range (no operating point to anchor to)';
}
