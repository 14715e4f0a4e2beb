/**
 * Stored reconstructions and anomaly maps are 16-bit PNGs quantised over [min, max] of the
 * run (contract: value = min + stored / 65535 * (max - min)); this turns them back into values,
 * so thresholds and the colorbar read in the units the engine used.
 */
import type { PixelArray } from '../../../src-main/contract/index.ts';

export function dequantise(pixels: PixelArray, scale: { min: number; max: number }): Float32Array {
  if (pixels instanceof Float32Array) return pixels;
  const top = pixels instanceof Uint16Array ? 65535 : 255;
  const step = (scale.max - scale.min) / top;
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = scale.min + pixels[i] * step;
  return out;
}
