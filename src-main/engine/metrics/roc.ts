import { countsByScore, requireBothClasses, scoreCutoffAt } from './countsByScore.ts';

export interface RocPoint {
  /**
   * Scores > scoreCutoff count as positive; the first point (nothing positive) has the highest
   * score, the last (everything positive) -Infinity.
   */
  scoreCutoff: number;
  fpr: number;
  tpr: number;
}

/** The ROC curve from (0, 0) to (1, 1), one point per distinct score. */
export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): RocPoint[] {
  const counts = countsByScore(scores, labels);
  requireBothClasses(counts, 'ROC');
  const points: RocPoint[] = [{ scoreCutoff: counts.distinctScores[0], fpr: 0, tpr: 0 }];
  counts.distinctScores.forEach((_, k) => {
    points.push({
      scoreCutoff: scoreCutoffAt(counts, k),
      fpr: counts.falsePositives[k] / counts.negatives,
      tpr: counts.truePositives[k] / counts.positives,
    });
  });
  return points;
}

/**
 * Area under the ROC curve by the trapezoid rule over the tie-grouped steps, which equals the
 * Mann-Whitney estimate P(score_pos > score_neg) + 0.5 P(tie).
 */
export function auroc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const counts = countsByScore(scores, labels);
  requireBothClasses(counts, 'AUROC');
  const { truePositives, falsePositives } = counts;
  let area = 0;
  let [previousTp, previousFp] = [0, 0];
  for (let k = 0; k < truePositives.length; k++) {
    area += ((falsePositives[k] - previousFp) * (truePositives[k] + previousTp)) / 2;
    [previousTp, previousFp] = [truePositives[k], falsePositives[k]];
  }
  return area / (counts.positives * counts.negatives);
}
