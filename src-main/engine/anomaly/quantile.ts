/** A sorted (ascending) copy, as a Float64Array so any numeric input keeps its exact values. */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const sorted = Float64Array.from(values);
  for (const value of sorted) {
    if (Number.isNaN(value)) throw new RangeError('cannot take quantiles of values containing NaN');
  }
  return sorted.sort();
}

/**
 * The q-quantile of sorted values with linear interpolation between order statistics (numpy's
 * default), so intensity percentiles change smoothly with the image.
 */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError('cannot take a quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const weight = position - below;
  return sorted[below] * (1 - weight) + sorted[above] * weight;
}
