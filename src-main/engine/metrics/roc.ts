import { countsByThreshold, requireBothClasses } from './countsByThreshold.ts';

export interface RocPoint {
  /** Scores >= threshold count as positive; the first point (nothing positive) has +Infinity. */
  threshold: number;
  fpr: number;
  tpr: number;
}

/** The ROC curve from (0, 0) to (1, 1), one point per distinct score. */
export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): RocPoint[] {
  const counts = countsByThreshold(scores, labels);
  requireBothClasses(counts, 'ROC');
  const points: RocPoint[] = [{ threshold: Infinity, fpr: 0, tpr: 0 }];
  counts.thresholds.forEach((threshold, k) => {
    points.push({
      threshold,
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
  const counts = countsByThreshold(scores, labels);
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
