import { countsByScore } from './countsByScore.ts';
import { pixelScores } from './pixelScores.ts';

export interface BestDice {
  dice: number;
  /**
   * Mark pixels with value > mapCutoff (binarize's convention) to get this Dice: the midpoint
   * between the lowest marked value and the next lower one, or -Infinity when marking every
   * in-brain pixel is best. Map units.
   */
  mapCutoff: number;
}

/**
 * The best global Dice over all map cut-offs (ALGORITHM.md): the in-brain pixels of all images are
 * ranked once and the counts updated step by step, so every distinct value is tried.
 * Dice = 2 TP / (2 TP + FP + FN) = 2 TP / (marked + truth).
 */
export function bestDice(
  maps: Float32Array[],
  truthMasks: Uint8Array[],
  brainMasks: Uint8Array[],
): BestDice {
  const { scores, labels } = pixelScores(maps, truthMasks, brainMasks);
  const counts = countsByScore(scores, labels);
  if (counts.positives === 0) {
    throw new RangeError('bestDice: no finding pixel lies inside the brain masks');
  }
  let best = { dice: 0, step: 0 };
  counts.distinctScores.forEach((_, k) => {
    const tp = counts.truePositives[k];
    const dice = (2 * tp) / (tp + counts.falsePositives[k] + counts.positives);
    if (dice > best.dice) best = { dice, step: k };
  });
  const { distinctScores } = counts;
  const mapCutoff =
    best.step + 1 < distinctScores.length
      ? (distinctScores[best.step] + distinctScores[best.step + 1]) / 2
      : -Infinity;
  return { dice: best.dice, mapCutoff };
}
