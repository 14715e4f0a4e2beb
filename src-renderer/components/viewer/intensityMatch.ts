/**
 * The reconstruction comes out of the model in its own intensity scale (the slice after
 * robust [-1, 1] scaling), the input in the stored units. To show both under one window/level,
 * the reconstruction is mapped into the input's units by the least-squares line
 * input ≈ slope * reconstruction + intercept, fitted over the pixels the anomaly map calls
 * healthy, where the two images should agree.
 */

export interface LinearFit {
  slope: number;
  intercept: number;
}

/** Fit of y on x over the pixels where `use(i)` holds; null when x is flat there. */
export function fitLinear(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  use: (i: number) => boolean = () => true,
): LinearFit | null {
  if (x.length !== y.length) throw new Error(`fit: ${x.length} x values but ${y.length} y values`);
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    if (!use(i)) continue;
    const a = x[i];
    const b = y[i];
    n++;
    sx += a;
    sy += b;
    sxx += a * a;
    sxy += a * b;
  }
  const variance = n * sxx - sx * sx;
  if (n < 2 || !(Math.abs(variance) > 1e-12 * Math.max(1, sxx * n))) return null;
  const slope = (n * sxy - sx * sy) / variance;
  return { slope, intercept: (sy - slope * sx) / n };
}

export function applyLinear(values: ArrayLike<number>, fit: LinearFit): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = fit.slope * values[i] + fit.intercept;
  return out;
}
