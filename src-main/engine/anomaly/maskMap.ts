import { checkSameLength } from './checkShapes.ts';

/** The map with every pixel outside the mask set to 0, so the background cannot score. */
export function maskMap(map: Float32Array, mask: Uint8Array): Float32Array {
  checkSameLength(map, 'map', mask, 'mask');
  const masked = new Float32Array(map.length);
  for (let i = 0; i < map.length; i++) masked[i] = mask[i] ? map[i] : 0;
  return masked;
}

/** The map's values at the mask's pixels, in pixel order. */
export function valuesInMask(map: Float32Array, mask: Uint8Array): Float32Array {
  checkSameLength(map, 'map', mask, 'mask');
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) count++;
  const values = new Float32Array(count);
  let next = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) values[next++] = map[i];
  return values;
}

/**
 * The binary map: 1 where the value is strictly above the threshold. Every threshold in the
 * engine follows this convention ("above threshold", as in the course protocol), so a threshold
 * from calibrateThreshold, otsuThreshold or bestDice can be passed here unchanged.
 */
export function binarize(map: Float32Array, threshold: number): Uint8Array {
  const binary = new Uint8Array(map.length);
  for (let i = 0; i < map.length; i++) binary[i] = map[i] > threshold ? 1 : 0;
  return binary;
}
