import { valuesInMask } from './maskMap.ts';

/**
 * The image-level anomaly score: the mean of the top `topFraction` of map values inside the
 * mask (at least one value). A mean of the top values rather than the maximum keeps a single
 * noisy pixel from deciding the score.
 */
export function imageScore(map: Float32Array, mask: Uint8Array, topFraction = 0.01): number {
  if (!(topFraction > 0 && topFraction <= 1)) {
    throw new RangeError(`topFraction must be in (0, 1], got ${topFraction}`);
  }
  const values = valuesInMask(map, mask);
  if (values.length === 0) throw new RangeError('imageScore: the mask contains no pixels');
  values.sort();
  // The epsilon keeps 0.01 * 700 = 7.000000000000001 from rounding up to 8.
  const take = Math.max(1, Math.ceil(topFraction * values.length - 1e-9));
  let sum = 0;
  for (let i = values.length - take; i < values.length; i++) sum += values[i];
  return sum / take;
}
