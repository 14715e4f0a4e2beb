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
  const points = rocCurve(scores, labels);
  let area = 0;
  for (let k = 1; k < points.length; k++) {
    area += ((points[k].fpr - points[k - 1].fpr) * (points[k].tpr + points[k - 1].tpr)) / 2;
  }
  return area;
}
