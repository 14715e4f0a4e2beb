/**
 * Overlay of the anomaly map on the input slice: pixels whose anomaly is above the pixel
 * cut-off (`value > pixelThreshold`, the rule of the exports and the calibration) are coloured through the colormap and alpha-blended over the windowed greyscale;
 * pixels below it show the greyscale untouched, so the radiologist still sees the anatomy.
 */
import { aboveThreshold } from '../../../src-main/contract/index.ts';
import { LUT_SIZE, type ColormapLut } from './colormaps.ts';

export interface OverlaySettings {
  /** Anomaly values mapped to the first and last colormap entries. */
  rangeMin: number;
  rangeMax: number;
  /** Map value: anomaly above this is drawn; at or below it is transparent. */
  pixelThreshold: number;
  /** 0 (invisible) .. 1 (opaque). */
  opacity: number;
  lut: ColormapLut;
}

/** 1 where the anomaly map is above the pixel cut-off, 0 elsewhere. */
export function thresholdMask(map: ArrayLike<number>, pixelThreshold: number): Uint8Array {
  const mask = new Uint8Array(map.length);
  for (let i = 0; i < map.length; i++) mask[i] = aboveThreshold(map[i], pixelThreshold) ? 1 : 0;
  return mask;
}

/** Colormap index 0..255 of one anomaly value within the overlay range. */
export function colormapIndex(value: number, rangeMin: number, rangeMax: number): number {
  const span = rangeMax - rangeMin;
  // A flat map (nothing anomalous anywhere) shows the bottom colour.
  const t = span > 0 ? (value - rangeMin) / span : 0;
  if (!(t > 0)) return 0;
  if (t >= 1) return LUT_SIZE - 1;
  return Math.min(LUT_SIZE - 1, Math.floor(t * LUT_SIZE));
}

/**
 * RGBA pixels (canvas ImageData layout) of the greyscale slice with the map blended over it.
 * `grey` is the windowed slice (one byte per pixel); pass `map` null to get the plain slice.
 */
export function composeOverlay(
  grey: Uint8ClampedArray,
  map: ArrayLike<number> | null,
  settings: OverlaySettings,
  out: Uint8ClampedArray = new Uint8ClampedArray(grey.length * 4),
): Uint8ClampedArray {
  if (map && map.length !== grey.length) {
    throw new Error(
      `anomaly map has ${map.length} pixels but the slice has ${grey.length}; they must match`,
    );
  }
  const alpha = Math.max(0, Math.min(1, settings.opacity));
  const { lut, rangeMin, rangeMax, pixelThreshold } = settings;
  for (let i = 0; i < grey.length; i++) {
    const g = grey[i];
    const o = 4 * i;
    out[o + 3] = 255;
    const value = map ? map[i] : NaN;
    if (map && aboveThreshold(value, pixelThreshold) && alpha > 0) {
      const c = 3 * colormapIndex(value, rangeMin, rangeMax);
      out[o] = Math.round(g + alpha * (lut[c] - g));
      out[o + 1] = Math.round(g + alpha * (lut[c + 1] - g));
      out[o + 2] = Math.round(g + alpha * (lut[c + 2] - g));
    } else {
      out[o] = g;
      out[o + 1] = g;
      out[o + 2] = g;
    }
  }
  return out;
}

/** How the map is laid over the slice: coloured above the cut-off, or only its outline. */
export type OverlayMode = 'filled' | 'outline';

/**
 * 1 on the border of the region above the cut-off (a pixel of the region with a
 * 4-neighbour outside it, or on the image edge), 0 elsewhere: the contour a radiologist reads
 * the anatomy through.
 */
export function regionOutline(
  map: ArrayLike<number>,
  width: number,
  height: number,
  pixelThreshold: number,
): Uint8Array {
  if (map.length !== width * height) {
    throw new Error(`outline: ${map.length} values for a ${width} x ${height} map`);
  }
  const inside = thresholdMask(map, pixelThreshold);
  const out = new Uint8Array(inside.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!inside[i]) continue;
      const edge =
        x === 0 ||
        y === 0 ||
        x === width - 1 ||
        y === height - 1 ||
        !inside[i - 1] ||
        !inside[i + 1] ||
        !inside[i - width] ||
        !inside[i + width];
      out[i] = edge ? 1 : 0;
    }
  }
  return out;
}

/** The greyscale slice with the outline of the region above the cut-off drawn over it, opaque. */
export function composeOutline(
  grey: Uint8ClampedArray,
  outline: Uint8Array,
  colour: readonly [number, number, number],
): Uint8ClampedArray {
  if (outline.length !== grey.length) {
    throw new Error(`outline has ${outline.length} pixels but the slice has ${grey.length}`);
  }
  const out = greyToRgba(grey);
  for (let i = 0; i < outline.length; i++) {
    if (!outline[i]) continue;
    out[4 * i] = colour[0];
    out[4 * i + 1] = colour[1];
    out[4 * i + 2] = colour[2];
  }
  return out;
}

/** Greyscale (one byte per pixel) as opaque RGBA. */
export function greyToRgba(grey: Uint8ClampedArray): Uint8ClampedArray {
  const out = new Uint8ClampedArray(grey.length * 4);
  for (let i = 0; i < grey.length; i++) {
    out[4 * i] = out[4 * i + 1] = out[4 * i + 2] = grey[i];
    out[4 * i + 3] = 255;
  }
  return out;
}

/** A map drawn on its own through the colormap (the third view of Review). */
export function colorizeMap(
  map: ArrayLike<number>,
  lut: ColormapLut,
  rangeMin: number,
  rangeMax: number,
): Uint8ClampedArray {
  const out = new Uint8ClampedArray(map.length * 4);
  for (let i = 0; i < map.length; i++) {
    const c = 3 * colormapIndex(map[i], rangeMin, rangeMax);
    out[4 * i] = lut[c];
    out[4 * i + 1] = lut[c + 1];
    out[4 * i + 2] = lut[c + 2];
    out[4 * i + 3] = 255;
  }
  return out;
}
