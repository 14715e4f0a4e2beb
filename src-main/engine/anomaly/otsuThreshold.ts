/**
 * Otsu's threshold: the split of a 256-bin histogram that maximises the between-class variance
 * w0 * w1 * (mu0 - mu1)^2. Returns the largest value of the lower class, so that `value > t`
 * (binarize's convention) reproduces the histogram split exactly. Constant input returns its
 * value, which marks nothing.
 */
export function otsuThreshold(values: ArrayLike<number>, bins = 256): number {
  if (values.length === 0) throw new RangeError('otsuThreshold: no values');
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!Number.isFinite(value)) throw new RangeError(`otsuThreshold: value ${i} is ${value}`);
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (min === max) return min;

  const counts = new Float64Array(bins);
  const sums = new Float64Array(bins);
  const largest = new Float64Array(bins).fill(-Infinity);
  const binWidth = (max - min) / bins;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const bin = Math.min(bins - 1, Math.floor((value - min) / binWidth));
    counts[bin]++;
    sums[bin] += value;
    if (value > largest[bin]) largest[bin] = value;
  }

  const total = values.length;
  let totalSum = 0;
  for (let bin = 0; bin < bins; bin++) totalSum += sums[bin];
  let lowerCount = 0;
  let lowerSum = 0;
  let lowerLargest = -Infinity;
  let bestVariance = -1;
  let threshold = min;
  for (let bin = 0; bin < bins - 1; bin++) {
    lowerCount += counts[bin];
    lowerSum += sums[bin];
    lowerLargest = Math.max(lowerLargest, largest[bin]);
    const upperCount = total - lowerCount;
    if (lowerCount === 0 || upperCount === 0) continue;
    const meanGap = lowerSum / lowerCount - (totalSum - lowerSum) / upperCount;
    const variance = lowerCount * upperCount * meanGap * meanGap;
    if (variance > bestVariance) {
      bestVariance = variance;
      threshold = lowerLargest;
    }
  }
  return threshold;
}
