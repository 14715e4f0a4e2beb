import { checkSameLength } from './checkShapes.ts';

/**
 * The threshold calibrated on healthy validation maps (ALGORITHM.md): the smallest map value t
 * such that `value > t` marks at most `fpr` of all healthy in-brain pixels, i.e. the
 * (1 - fpr) order statistic over the pooled pixels. Pooling (not averaging per-image thresholds)
 * is what "5% of healthy brain pixels" means.
 */
export function calibrateThreshold(
  healthyMaps: Float32Array[],
  masks: Uint8Array[],
  fpr = 0.05,
): number {
  if (!(fpr > 0 && fpr < 1)) throw new RangeError(`fpr must be in (0, 1), got ${fpr}`);
  if (healthyMaps.length !== masks.length) {
    throw new RangeError(`${healthyMaps.length} healthy maps but ${masks.length} masks`);
  }
  let count = 0;
  healthyMaps.forEach((map, image) => {
    checkSameLength(map, `healthy map ${image}`, masks[image], `mask ${image}`);
    for (let i = 0; i < map.length; i++) if (masks[image][i]) count++;
  });
  if (count === 0) throw new RangeError('calibrateThreshold: the masks contain no brain pixels');

  const pooled = new Float32Array(count);
  let next = 0;
  healthyMaps.forEach((map, image) => {
    for (let i = 0; i < map.length; i++) if (masks[image][i]) pooled[next++] = map[i];
  });
  pooled.sort();
  const allowed = Math.floor(fpr * count + 1e-9);
  // Values above pooled[count - 1 - allowed] sit at indices > count - 1 - allowed: at most `allowed`.
  return pooled[count - 1 - allowed];
}
