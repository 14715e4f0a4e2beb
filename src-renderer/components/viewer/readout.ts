/**
 * Numbers the reader sees beside the images: window/level in the slice's own units (DICOM
 * rescale applied) instead of "Custom", and the values under the cursor.
 */
import type { WindowLevel } from './windowLevel.ts';

/** Up to 4 significant digits; whole numbers stay whole ("1234", "0.2314", "12.5"). */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Number.isInteger(value) || Math.abs(value) >= 1000) return String(Math.round(value));
  return String(+value.toPrecision(4));
}

/** Stored-value window as "C 1234 · W 567" in source units: value = stored * slope + intercept. */
export function describeWindow(window: WindowLevel, slope = 1, intercept = 0): string {
  const center = window.center * slope + intercept;
  const width = window.width * Math.abs(slope);
  return `C ${formatValue(center)} · W ${formatValue(width)}`;
}

export interface PixelValues {
  /** The slice's stored value at the pixel, in source units. */
  intensity: number;
  /** The anomaly map's value there, when there is a map. */
  anomaly: number | null;
}

/** The readout under the cursor: "intensity 20312 · anomaly 0.231". */
export function describePixel(values: PixelValues): string {
  const parts = [`intensity ${formatValue(values.intensity)}`];
  if (values.anomaly !== null) parts.push(`anomaly ${values.anomaly.toFixed(3)}`);
  return parts.join(' · ');
}
