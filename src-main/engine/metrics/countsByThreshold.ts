/**
 * The one sweep behind every ranking metric: sort the scores once (descending), then walk the
 * distinct values, counting the positives and negatives at or above each. Tied scores form one
 * step, which is what makes AUROC the midrank (Mann-Whitney) estimate and AP tie-consistent.
 */

export interface ThresholdCounts {
  /** Distinct scores, descending. Step k classifies `score >= thresholds[k]` as positive. */
  thresholds: Float64Array;
  /** Positives (label 1) with score >= thresholds[k]. */
  truePositives: Float64Array;
  /** Negatives (label 0) with score >= thresholds[k]. */
  falsePositives: Float64Array;
  positives: number;
  negatives: number;
}

export function checkScoresAndLabels(scores: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (scores.length !== labels.length) {
    throw new RangeError(`${scores.length} scores but ${labels.length} labels`);
  }
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) throw new RangeError(`score ${i} is NaN`);
    if (labels[i] !== 0 && labels[i] !== 1) {
      throw new RangeError(`label ${i} is ${labels[i]}; labels must be 0 or 1`);
    }
  }
}

export function countsByThreshold(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): ThresholdCounts {
  checkScoresAndLabels(scores, labels);
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => scores[b] - scores[a]);

  const thresholds: number[] = [];
  const truePositives: number[] = [];
  const falsePositives: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const score = scores[order[k]];
    if (labels[order[k]] === 1) tp++;
    else fp++;
    const lastOfTie = k === order.length - 1 || scores[order[k + 1]] !== score;
    if (lastOfTie) {
      thresholds.push(score);
      truePositives.push(tp);
      falsePositives.push(fp);
    }
  }
  return {
    thresholds: Float64Array.from(thresholds),
    truePositives: Float64Array.from(truePositives),
    falsePositives: Float64Array.from(falsePositives),
    positives: tp,
    negatives: fp,
  };
}

export function requireBothClasses(counts: ThresholdCounts, metric: string): void {
  if (counts.positives === 0 || counts.negatives === 0) {
    throw new RangeError(
      `${metric} needs both classes, got ${counts.positives} positives and ${counts.negatives} negatives`,
    );
  }
}
