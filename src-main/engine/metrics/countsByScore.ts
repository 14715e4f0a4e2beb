/**
 * The one sweep behind every ranking metric: rank the scores once, then walk the distinct values
 * from the top, counting the positives and negatives at or above each. Tied scores form one
 * step, which is what makes AUROC the midrank (Mann-Whitney) estimate and AP tie-consistent.
 * Step k marks the scores at or above distinctScores[k], which are the scores strictly above the
 * next lower distinct score: the house's one cut-off rule `score > cutoff` (see scoreCutoffAt).
 */

export interface ScoreCounts {
  /** Distinct scores, descending. */
  distinctScores: Float64Array;
  /** Positives (label 1) with score >= distinctScores[k], i.e. score > scoreCutoffAt(k). */
  truePositives: Float64Array;
  /** Negatives (label 0) with score >= distinctScores[k], i.e. score > scoreCutoffAt(k). */
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

/** The scores of one class, sorted ascending by the native typed-array sort. */
function sortedScoresOfClass(scores: ArrayLike<number>, labels: ArrayLike<number>, label: number) {
  let count = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === label) count++;
  const classScores = new Float64Array(count);
  let next = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === label) classScores[next++] = scores[i];
  return classScores.sort();
}

export function countsByScore(scores: ArrayLike<number>, labels: ArrayLike<number>): ScoreCounts {
  checkScoresAndLabels(scores, labels);
  // Labels are binary, so sorting each class natively and merging from the top is the same
  // ranking as one sort of (score, label) pairs, several times faster on ~10^6 pixels.
  const positives = sortedScoresOfClass(scores, labels, 1);
  const negatives = sortedScoresOfClass(scores, labels, 0);
  const distinctScores: number[] = [];
  const truePositives: number[] = [];
  const falsePositives: number[] = [];
  let p = positives.length - 1;
  let n = negatives.length - 1;
  while (p >= 0 || n >= 0) {
    const score = Math.max(p >= 0 ? positives[p] : -Infinity, n >= 0 ? negatives[n] : -Infinity);
    while (p >= 0 && positives[p] === score) p--;
    while (n >= 0 && negatives[n] === score) n--;
    distinctScores.push(score);
    truePositives.push(positives.length - 1 - p);
    falsePositives.push(negatives.length - 1 - n);
  }
  return {
    distinctScores: Float64Array.from(distinctScores),
    truePositives: Float64Array.from(truePositives),
    falsePositives: Float64Array.from(falsePositives),
    positives: positives.length,
    negatives: negatives.length,
  };
}

/**
 * The cut-off of step k under the rule `score > cutoff`: the next lower distinct score, or
 * -Infinity at the last step (every score marked).
 */
export function scoreCutoffAt(counts: ScoreCounts, k: number): number {
  return k + 1 < counts.distinctScores.length ? counts.distinctScores[k + 1] : -Infinity;
}

export function requireBothClasses(counts: ScoreCounts, metric: string): void {
  if (counts.positives === 0 || counts.negatives === 0) {
    throw new RangeError(
      `${metric} needs both classes, got ${counts.positives} positives and ${counts.negatives} negatives`,
    );
  }
}
