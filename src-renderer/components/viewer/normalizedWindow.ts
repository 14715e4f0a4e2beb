/**
 * Review links window/level across the input and the reconstruction, which may be stored at
 * different bit depths. The shared window is kept in units of each image's own intensity range
 * (0 = its darkest pixel, 1 = its brightest) and turned into that image's units when drawn.
 */
import type { IntensityRange, WindowLevel } from './windowLevel.ts';

export const UNIT_RANGE: IntensityRange = { min: 0, max: 1 };

export function toImageWindow(unit: WindowLevel, range: IntensityRange): WindowLevel {
  const span = range.max - range.min || 1;
  return { center: range.min + unit.center * span, width: unit.width * span };
}

export function toUnitWindow(window: WindowLevel, range: IntensityRange): WindowLevel {
  const span = range.max - range.min || 1;
  return { center: (window.center - range.min) / span, width: window.width / span };
}
