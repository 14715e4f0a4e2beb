/**
 * Nearest-neighbour resampling of a map or reconstruction onto the grid of the slice it was
 * computed from, so the three views of Review share one pixel grid (and one zoom/pan) even
 * when the model ran at a smaller size than the stored slice.
 */
import type { Size } from './viewTransform.ts';

export function resampleNearest(values: ArrayLike<number>, from: Size, to: Size): Float32Array {
  if (values.length !== from.width * from.height) {
    throw new Error(`resample: ${values.length} values for a ${from.width} x ${from.height} image`);
  }
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
