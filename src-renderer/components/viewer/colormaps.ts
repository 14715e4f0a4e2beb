/**
 * 256-entry colour look-up tables for the anomaly map overlay.
 * viridis and inferno are matplotlib's tables (van der Walt & Smith), taken entry for entry
 * from d3-scale-chromatic, which ships them as 256 hex colours; `hot` is matplotlib's
 * piecewise-linear `_hot_data` segments, evaluated here.
 */
import { interpolateInferno, interpolateViridis } from 'd3-scale-chromatic';

export type ColormapName = 'hot' | 'inferno' | 'viridis';

export const colormapNames: readonly ColormapName[] = ['hot', 'inferno', 'viridis'];

/** 256 RGB triples, row i at [3i, 3i+1, 3i+2]. */
export type ColormapLut = Uint8Array;

export const LUT_SIZE = 256;

function lutFromHex(colorAt: (t: number) => string): ColormapLut {
  const lut = new Uint8Array(LUT_SIZE * 3);
  for (let i = 0; i < LUT_SIZE; i++) {
    // d3's ramp picks entry floor(t * 256): the middle of bin i selects entry i exactly.
    const hex = colorAt((i + 0.5) / LUT_SIZE);
    lut[3 * i] = parseInt(hex.slice(1, 3), 16);
    lut[3 * i + 1] = parseInt(hex.slice(3, 5), 16);
    lut[3 * i + 2] = parseInt(hex.slice(5, 7), 16);
  }
  return lut;
}

/** Linear interpolation through matplotlib segment points (x, y). */
function segment(points: readonly (readonly [number, number])[], x: number): number {
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1];
    const [x1, y1] = points[i];
    if (x <= x1) return y0 + ((x - x0) / (x1 - x0)) * (y1 - y0);
  }
  return points[points.length - 1][1];
}

const hotRed = [
  [0, 0.0416],
  [0.365079, 1],
  [1, 1],
] as const;
const hotGreen = [
  [0, 0],
  [0.365079, 0],
  [0.746032, 1],
  [1, 1],
] as const;
const hotBlue = [
  [0, 0],
  [0.746032, 0],
  [1, 1],
] as const;

function hotLut(): ColormapLut {
  const lut = new Uint8Array(LUT_SIZE * 3);
  for (let i = 0; i < LUT_SIZE; i++) {
    const x = i / (LUT_SIZE - 1);
    lut[3 * i] = Math.round(255 * segment(hotRed, x));
    lut[3 * i + 1] = Math.round(255 * segment(hotGreen, x));
    lut[3 * i + 2] = Math.round(255 * segment(hotBlue, x));
  }
  return lut;
}

const cache = new Map<ColormapName, ColormapLut>();

export function colormapLut(name: ColormapName): ColormapLut {
  let lut = cache.get(name);
  if (!lut) {
    lut =
      name === 'hot'
        ? hotLut()
        : lutFromHex(name === 'viridis' ? interpolateViridis : interpolateInferno);
    cache.set(name, lut);
  }
  return lut;
}

/** CSS colour of LUT entry `index`, for gradients and legends. */
export function lutColor(lut: ColormapLut, index: number): string {
  const i = Math.max(0, Math.min(LUT_SIZE - 1, Math.round(index)));
  return `rgb(${lut[3 * i]}, ${lut[3 * i + 1]}, ${lut[3 * i + 2]})`;
}
