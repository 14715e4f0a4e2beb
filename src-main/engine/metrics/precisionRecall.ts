import { countsByThreshold, type ThresholdCounts } from './countsByThreshold.ts';

export interface PrPoint {
  /** Scores >= threshold count as positive. */
  threshold: number;
  recall: number;
  precision: number;
}

function requirePositives(counts: ThresholdCounts, metric: string): void {
  if (counts.positives === 0) throw new RangeError(`${metric} needs at least one positive label`);
}

/** The precision-recall curve, one point per distinct score, recall rising. */
export function prCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): PrPoint[] {
  const counts = countsByThreshold(scores, labels);
  requirePositives(counts, 'the precision-recall curve');
  return Array.from(counts.thresholds, (threshold, k) => {
    const tp = counts.truePositives[k];
    return {
      threshold,
      recall: tp / counts.positives,
      precision: tp / (tp + counts.falsePositives[k]),
    };
  });
}

/**
 * Area under the precision-recall curve as average precision: sum over steps of
 * (R_k - R_{k-1}) P_k, the step-wise sum (no interpolation, which overstates the area).
 */
export function auprc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const counts = countsByThreshold(scores, labels);
  requirePositives(counts, 'AUPRC');
  const { truePositives, falsePositives, positives } = counts;
  let area = 0;
  let previousTruePositives = 0;
  for (let k = 0; k < truePositives.length; k++) {
    const tp = truePositives[k];
    // (R_k - R_{k-1}) * P_k, summed straight from the counts: no point objects for 10^6 pixels.
    area += ((tp - previousTruePositives) / positives) * (tp / (tp + falsePositives[k]));
    previousTruePositives = tp;
  }
  return area;
}
