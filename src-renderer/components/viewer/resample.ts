/**
 * Nearest-neighbour resampling of a map or reconstruction onto the grid of the slice it was
 * computed from, so the three views of Review share one pixel grid (and one zoom/pan) even
 * when the model ran at a smaller size than the stored slice.
 */
import type { Size } from './viewTransform.ts';

function checkSize(values: ArrayLike<number>, from: Size): void {
  if (values.length !== from.width * from.height) {
    throw new Error(`resample: ${values.length} values for a ${from.width} x ${from.height} image`);
  }
}

export function resampleNearest(values: ArrayLike<number>, from: Size, to: Size): Float32Array {
  checkSize(values, from);
  const out = new Float32Array(to.width * to.height);
  const sx = from.width / to.width;
  const sy = from.height / to.height;
  for (let y = 0; y < to.height; y++) {
    const row = Math.min(from.height - 1, Math.floor((y + 0.5) * sy)) * from.width;
    for (let x = 0; x < to.width; x++) {
      out[y * to.width + x] = values[row + Math.min(from.width - 1, Math.floor((x + 0.5) * sx))];
    }
  }
  return out;
}

/**
 * Bilinear resampling (pixel centres aligned, edges clamped): a 64-pixel map or reconstruction
 * shown on a 256-pixel slice grid is smooth rather than blocky, and its values stay between
 * those of the pixels it came from, so the map's values under the cursor and against the
 * cut-off remain the model's.
 */
export function resampleBilinear(values: ArrayLike<number>, from: Size, to: Size): Float32Array {
  checkSize(values, from);
  const out = new Float32Array(to.width * to.height);
  const sx = from.width / to.width;
  const sy = from.height / to.height;
  const clamp = (v: number, max: number) => Math.max(0, Math.min(max, v));
  for (let y = 0; y < to.height; y++) {
    const fy = clamp((y + 0.5) * sy - 0.5, from.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(from.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < to.width; x++) {
      const fx = clamp((x + 0.5) * sx - 0.5, from.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(from.width - 1, x0 + 1);
      const wx = fx - x0;
      const top = values[y0 * from.width + x0] * (1 - wx) + values[y0 * from.width + x1] * wx;
      const bottom = values[y1 * from.width + x0] * (1 - wx) + values[y1 * from.width + x1] * wx;
      out[y * to.width + x] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}
