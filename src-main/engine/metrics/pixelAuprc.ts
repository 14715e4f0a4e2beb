import { pixelScores } from './pixelScores.ts';
import { auprc } from './precisionRecall.ts';

/**
 * Pixel-level AUPRC (ALGORITHM.md): average precision of the map values against the union of
 * finding boxes, over all in-brain pixels of the given images at once.
 */
export function pixelAuprc(
  maps: Float32Array[],
  truthMasks: Uint8Array[],
  brainMasks: Uint8Array[],
): number {
  const { scores, labels } = pixelScores(maps, truthMasks, brainMasks);
  return auprc(scores, labels);
}
