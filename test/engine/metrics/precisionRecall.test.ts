import { describe, expect, it } from 'vitest';
import { auprc, prCurve } from '../../../src-main/engine/metrics/index.ts';
import { seededRandom } from './seededRandom.ts';

/** Average precision without ties: the mean, over positives, of the precision at its rank. */
function meanPrecisionAtPositives(scores: number[], labels: number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let positivesSeen = 0;
  let sum = 0;
  order.forEach((index, rank) => {
    if (labels[index] !== 1) return;
    positivesSeen++;
    sum += positivesSeen / (rank + 1);
  });
  return sum / positivesSeen;
}

describe('auprc (average precision)', () => {
  it('gives 5/6 for [0.1, 0.4, 0.35, 0.8] vs [0, 0, 1, 1]', () => {
    // Ranked: 0.8 (pos) P = 1, R = 1/2; 0.4 (neg); 0.35 (pos) P = 2/3, R = 1.
    // AP = 1/2 * 1 + 1/2 * 2/3 = 5/6.
    expect(auprc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(5 / 6, 12);
  });

  it('averages the precision at each positive for an alternating ranking', () => {
    // Positives at ranks 1, 3, 5: precisions 1, 2/3, 3/5.
    const expected = (1 + 2 / 3 + 3 / 5) / 3;
    expect(auprc([0.9, 0.8, 0.7, 0.6, 0.5], [1, 0, 1, 0, 1])).toBeCloseTo(expected, 12);
  });

  it('treats tied scores as one step instead of favouring either order', () => {
    // All three tied scores enter together: P = 2/3 at R = 1.
    expect(auprc([0.5, 0.5, 0.5, 0.1], [1, 0, 1, 0])).toBeCloseTo(2 / 3, 12);
  });

  it('is 1 for a perfect ranking and equals the mean precision at each positive on random data', () => {
    expect(auprc([0.9, 0.8, 0.1], [1, 1, 0])).toBe(1);
    const random = seededRandom(11);
    const labels = Array.from({ length: 500 }, () => (random() < 0.2 ? 1 : 0));
    const scores = labels.map((label) => random() + 0.5 * label);
    expect(auprc(scores, labels)).toBeCloseTo(meanPrecisionAtPositives(scores, labels), 12);
  });

  it('refuses data without a positive label', () => {
    expect(() => auprc([0.1, 0.2], [0, 0])).toThrow(/at least one positive/);
  });
});

describe('prCurve', () => {
  it('lists recall and precision per distinct score, recall rising', () => {
    const points = prCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
    expect(points.map(({ recall, precision }) => [recall, precision])).toEqual([
      [0.5, 1],
      [0.5, 0.5],
      [1, 2 / 3],
      [1, 0.5],
    ]);
    expect(points.map(({ scoreCutoff }) => scoreCutoff)).toEqual([0.4, 0.35, 0.1, -Infinity]);
  });
});
