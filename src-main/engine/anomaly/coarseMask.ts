import { checkSameLength } from './checkShapes.ts';
import { binarize } from './maskMap.ts';
import { dilate } from './morphology.ts';

/**
 * AutoDDPM's coarse anomaly mask: the first map above the pixel cut-off (value > threshold),
 * dilated by `dilation` pixels so the re-synthesised region covers the lesion's rim, and kept
 * inside the brain.
 */
export function coarseMask(
  map: Float32Array,
  brain: Uint8Array,
  size: number,
  threshold: number,
  dilation: number,
): Uint8Array {
  checkSameLength(map, 'map', brain, 'brain mask');
  if (Number.isNaN(threshold)) throw new RangeError('coarseMask: threshold is NaN');
  const grown = dilate(binarize(map, threshold), size, dilation);
  return grown.map((v, i) => v & brain[i]);
}
