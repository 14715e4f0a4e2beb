import { countsByScore, scoreCutoffAt, type ScoreCounts } from './countsByScore.ts';

export interface PrPoint {
  /** Scores > scoreCutoff count as positive (-Infinity: every score). */
  scoreCutoff: number;
  recall: number;
  precision: number;
}

function requirePositives(counts: ScoreCounts, metric: string): void {
  if (counts.positives === 0) throw new RangeError(`${metric} needs at least one positive label`);
}

/** The precision-recall curve, one point per distinct score, recall rising. */
export function prCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): PrPoint[] {
  const counts = countsByScore(scores, labels);
  requirePositives(counts, 'the precision-recall curve');
  return Array.from(counts.distinctScores, (_, k) => {
    const tp = counts.truePositives[k];
    return {
      scoreCutoff: scoreCutoffAt(counts, k),
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
  const counts = countsByScore(scores, labels);
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
