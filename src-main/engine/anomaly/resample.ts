/**
 * Separable resampling of a 2-D grid. Each output index along an axis is a weighted sum of a run
 * of input indices; the weights decide the filter.
 */

export interface AxisTaps {
  start: number;
  weights: Float64Array;
}

/**
 * Triangle (bilinear) taps widened by the shrink factor when downsampling, as PIL's antialiased
 * bilinear resize does: every input pixel contributes, so 320 -> 64 does not alias noise or thin
 * edges. Pixel centres are aligned (input pixel i covers [i, i + 1)).
 */
export function linearTaps(inLength: number, outLength: number): AxisTaps[] {
  const scale = inLength / outLength;
  const support = Math.max(scale, 1);
  const taps: AxisTaps[] = [];
  for (let out = 0; out < outLength; out++) {
    const centre = (out + 0.5) * scale;
    const first = Math.max(0, Math.floor(centre - support));
    const last = Math.min(inLength - 1, Math.ceil(centre + support));
    const weights = new Float64Array(last - first + 1);
    let total = 0;
    for (let i = first; i <= last; i++) {
      const weight = Math.max(0, 1 - Math.abs(i + 0.5 - centre) / support);
      weights[i - first] = weight;
      total += weight;
    }
    for (let k = 0; k < weights.length; k++) weights[k] /= total;
    taps.push({ start: first, weights });
  }
  return taps;
}

/** Box taps: the fraction of output pixel `out`'s footprint covered by each input pixel. */
export function areaTaps(inLength: number, outLength: number): AxisTaps[] {
  const scale = inLength / outLength;
  const taps: AxisTaps[] = [];
  for (let out = 0; out < outLength; out++) {
    const from = out * scale;
    const to = (out + 1) * scale;
    const first = Math.floor(from);
    const last = Math.min(inLength - 1, Math.ceil(to) - 1);
    const weights = new Float64Array(last - first + 1);
    for (let i = first; i <= last; i++) {
      weights[i - first] = (Math.min(to, i + 1) - Math.max(from, i)) / scale;
    }
    taps.push({ start: first, weights });
  }
  return taps;
}

/** Applies row taps then column taps to a width x height grid (row-major). */
export function resampleGrid(
  values: ArrayLike<number>,
  width: number,
  height: number,
  columnTaps: AxisTaps[],
  rowTaps: AxisTaps[],
): Float64Array {
  const outWidth = columnTaps.length;
  const outHeight = rowTaps.length;
  const alongRows = new Float64Array(height * outWidth);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < outWidth; x++) {
      const { start, weights } = columnTaps[x];
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k] * values[y * width + start + k];
      alongRows[y * outWidth + x] = sum;
    }
  }
  const output = new Float64Array(outHeight * outWidth);
  for (let y = 0; y < outHeight; y++) {
    const { start, weights } = rowTaps[y];
    for (let x = 0; x < outWidth; x++) {
      let sum = 0;
      for (let k = 0; k < weights.length; k++)
        sum += weights[k] * alongRows[(start + k) * outWidth + x];
      output[y * outWidth + x] = sum;
    }
  }
  return output;
}
