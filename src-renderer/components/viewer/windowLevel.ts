/**
 * Window/level: which span of stored intensities is spread over the 256 grey levels of the
 * screen. Works on any numeric pixels (16-bit integers, floats in [-1, 1]).
 * A pixel at `center - width/2` shows black, one at `center + width/2` shows white, linear
 * between (the DICOM linear VOI function, PS3.3 C.11.2.1.2, without its half-unit offsets,
 * which only matter for integer data and would bias float images).
 */

export interface WindowLevel {
  /** Intensity shown as mid grey. */
  center: number;
  /** Span of intensities from black to white; always > 0. */
  width: number;
}

export interface IntensityRange {
  min: number;
  max: number;
}

/** Smallest width a drag may reach, as a fraction of the data range, so the window never collapses. */
const MIN_WIDTH_FRACTION = 1e-3;

/** Maps one intensity to a display grey level 0..255. */
export function displayLevel(value: number, window: WindowLevel): number {
  const lower = window.center - window.width / 2;
  const t = (value - lower) / window.width;
  if (!(t > 0)) return 0; // also NaN -> black
  if (t >= 1) return 255;
  return Math.round(t * 255);
}

/** Maps a whole slice to grey levels, one byte per pixel. */
export function applyWindowLevel(
  pixels: ArrayLike<number>,
  window: WindowLevel,
  out: Uint8ClampedArray = new Uint8ClampedArray(pixels.length),
): Uint8ClampedArray {
  if (out.length !== pixels.length) {
    throw new Error(
      `window/level output holds ${out.length} pixels, the slice has ${pixels.length}`,
    );
  }
  for (let i = 0; i < pixels.length; i++) out[i] = displayLevel(pixels[i], window);
  return out;
}

/** The window that shows `range` from black to white. */
export function windowForRange(range: IntensityRange): WindowLevel {
  const width = range.max - range.min;
  return { center: (range.min + range.max) / 2, width: width > 0 ? width : 1 };
}

/** Lowest and highest finite intensity of a slice. */
export function intensityRange(pixels: ArrayLike<number>): IntensityRange {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) return { min: 0, max: 1 };
  return { min, max };
}

/** The intensity below which `fraction` of the pixels lie (nearest rank on a sorted copy). */
export function percentile(pixels: ArrayLike<number>, fraction: number): number {
  const sorted = Float64Array.from(pixels).sort();
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.round(fraction * (sorted.length - 1))));
  return sorted[rank];
}

/**
 * Drag-to-window/level, as in most PACS viewers: dragging right widens the window (less
 * contrast), dragging down raises the level (darker image). One screen pixel moves the window
 * by `sensitivity` of the data range, so the feel is the same for 16-bit and float images.
 */
export function dragWindowLevel(
  start: WindowLevel,
  dx: number,
  dy: number,
  range: IntensityRange,
  sensitivity = 1 / 256,
): WindowLevel {
  const span = range.max - range.min || 1;
  const step = span * sensitivity;
  const width = Math.max(span * MIN_WIDTH_FRACTION, start.width + dx * step);
  return { center: start.center + dy * step, width };
}
