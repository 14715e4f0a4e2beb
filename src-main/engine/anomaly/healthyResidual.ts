/**
 * The residual of healthy brains, pixel by pixel: even a perfect model leaves some at the skull
 * rim, the ventricles and the sulci, so a raw map marks anatomy as well as disease. Its mean and
 * spread over healthy training images, per pixel of the S x S frame, let a map say how far a
 * pixel is above what is usual there (settings.mapNormalisation).
 */
import type { MapNormalisation } from '../types.ts';

export interface HealthyResidual {
  size: number;
  /** Per pixel: mean and standard deviation of the map over the healthy images with brain there. */
  mean: Float32Array;
  spread: Float32Array;
  /** Healthy images with brain at each pixel. */
  count: Uint16Array;
  /** Median of `spread` over pixels seen often enough: the floor of the ratio's denominator. */
  medianSpread: number;
}

/** Pixels seen in fewer healthy images than this take the median mean and spread instead. */
export const MIN_HEALTHY_IMAGES_PER_PIXEL = 10;

/** Per-pixel mean and spread of healthy maps, inside each image's brain mask. */
export function estimateHealthyResidual(
  maps: readonly Float32Array[],
  brainMasks: readonly Uint8Array[],
  size: number,
): HealthyResidual {
  const pixels = size * size;
  if (maps.length !== brainMasks.length)
    throw new RangeError(`${maps.length} healthy maps but ${brainMasks.length} brain masks`);
  const sum = new Float64Array(pixels);
  const sumOfSquares = new Float64Array(pixels);
  const count = new Uint16Array(pixels);
  maps.forEach((map, image) => {
    if (map.length !== pixels || brainMasks[image].length !== pixels)
      throw new RangeError(`healthy map ${image} is not ${size} x ${size}`);
    for (let k = 0; k < pixels; k++)
      if (brainMasks[image][k]) {
        sum[k] += map[k];
        sumOfSquares[k] += map[k] * map[k];
        count[k]++;
      }
  });
  const mean = new Float32Array(pixels);
  const spread = new Float32Array(pixels);
  const seen: number[] = [];
  for (let k = 0; k < pixels; k++) {
    if (count[k] < MIN_HEALTHY_IMAGES_PER_PIXEL) continue;
    mean[k] = sum[k] / count[k];
    const variance = (sumOfSquares[k] - count[k] * mean[k] * mean[k]) / (count[k] - 1);
    spread[k] = Math.sqrt(Math.max(variance, 0));
    seen.push(k);
  }
  if (seen.length === 0)
    throw new RangeError(
      `no pixel lies in the brain of ${MIN_HEALTHY_IMAGES_PER_PIXEL} or more of the ${maps.length} healthy images`,
    );
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const medianMean = median(seen.map((k) => mean[k]));
  const medianSpread = median(seen.map((k) => spread[k]));
  for (let k = 0; k < pixels; k++)
    if (count[k] < MIN_HEALTHY_IMAGES_PER_PIXEL) {
      mean[k] = medianMean;
      spread[k] = medianSpread;
    }
  return { size, mean, spread, count, medianSpread };
}

/**
 * The map against healthy anatomy, zero outside the brain:
 * - 'healthy-mean': max(0, m - mean), in the map's own units;
 * - 'healthy-ratio': m / (mean + medianSpread / 2), how many times the usual residual there;
 * - 'healthy-z': max(0, (m - mean) / max(spread, medianSpread / 2)), healthy standard deviations
 *   above the usual (the floor keeps pixels where healthy maps barely vary from exploding).
 */
export function normaliseMap(
  map: Float32Array,
  brainMask: Uint8Array,
  healthy: HealthyResidual,
  how: MapNormalisation,
): Float32Array {
  if (how === 'none') return map;
  if (map.length !== healthy.mean.length)
    throw new RangeError(
      `the map has ${map.length} pixels, the healthy residual ${healthy.size} x ${healthy.size}`,
    );
  const out = new Float32Array(map.length);
  const floor = Math.max(healthy.medianSpread / 2, 1e-6);
  for (let k = 0; k < map.length; k++) {
    if (!brainMask[k]) continue;
    out[k] =
      how === 'healthy-mean'
        ? Math.max(0, map[k] - healthy.mean[k])
        : how === 'healthy-z'
          ? Math.max(0, (map[k] - healthy.mean[k]) / Math.max(healthy.spread[k], floor))
          : map[k] / (healthy.mean[k] + floor);
  }
  return out;
}
