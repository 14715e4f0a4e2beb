import { describe, expect, it } from 'vitest';
import { auroc, rocCurve } from '../../../src-main/engine/metrics/index.ts';
import { pairwiseAuroc } from '../../fixtures/pairwiseAuroc.ts';
import { seededRandom } from './seededRandom.ts';

describe('auroc', () => {
  it('gives 0.75 when one of four positive-negative pairs is ranked the wrong way', () => {
    // Pairs (pos, neg): (0.35, 0.1) ok, (0.35, 0.4) wrong, (0.8, 0.1) ok, (0.8, 0.4) ok -> 3/4.
    expect(auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one and 0.5 when all scores tie', () => {
    expect(auroc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auroc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(auroc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
  });

  it('counts a tied positive-negative pair as half (midrank)', () => {
    // Pairs: (0.5 vs 0.5) = 0.5, (0.5 vs 0.2) = 1, (0.9 vs 0.5) = 1, (0.9 vs 0.2) = 1 -> 3.5 / 4.
    expect(auroc([0.5, 0.2, 0.5, 0.9], [0, 0, 1, 1])).toBeCloseTo(0.875, 12);
  });

  it('matches a brute-force pair count on random scores with many ties', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 5; trial++) {
      const labels = Array.from({ length: 300 }, () => (random() < 0.3 ? 1 : 0));
      // Rounded to 2 decimals so ties are frequent; positives shifted up a little.
      const scores = labels.map((label) => Math.round((random() + 0.3 * label) * 100) / 100);
      expect(auroc(scores, labels)).toBeCloseTo(pairwiseAuroc(scores, labels), 12);
    }
  });

  it('accepts typed arrays', () => {
    expect(
      auroc(new Float32Array([0.1, 0.4, 0.35, 0.8]), new Uint8Array([0, 0, 1, 1])),
    ).toBeCloseTo(0.75, 6);
  });

  it('refuses labels of a single class, labels other than 0/1, NaN scores and mismatched lengths', () => {
    expect(() => auroc([0.1, 0.2], [1, 1])).toThrow(/both classes/);
    expect(() => auroc([0.1, 0.2], [0, 2])).toThrow(/label 1 is 2/);
    expect(() => auroc([0.1, NaN], [0, 1])).toThrow(/score 1 is NaN/);
    expect(() => auroc([0.1, 0.2, 0.3], [0, 1])).toThrow(/3 scores but 2 labels/);
  });
});

describe('rocCurve', () => {
  it('runs from (0, 0) to (1, 1) with one point per distinct score', () => {
    const points = rocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
    expect(points.map(({ fpr, tpr }) => [fpr, tpr])).toEqual([
      [0, 0],
      [0, 0.5],
      [0.5, 0.5],
      [0.5, 1],
      [1, 1],
    ]);
    expect(points.map(({ scoreCutoff }) => scoreCutoff)).toEqual([0.8, 0.4, 0.35, 0.1, -Infinity]);
  });

  it('gives each point the cut-off whose rule score > scoreCutoff yields its rates', () => {
    const scores = [0.5, 0.5, 0.2, 0.9, 0.2, 0.7];
    const labels = [0, 1, 0, 1, 1, 0];
    for (const { scoreCutoff, fpr, tpr } of rocCurve(scores, labels)) {
      const marked = scores.map((s) => s > scoreCutoff);
      expect(marked.filter((m, i) => m && labels[i] === 1).length / 3).toBe(tpr);
      expect(marked.filter((m, i) => m && labels[i] === 0).length / 3).toBe(fpr);
    }
  });

  it('puts tied scores into one step', () => {
    const points = rocCurve([0.5, 0.5, 0.2], [0, 1, 0]);
    expect(points.map(({ fpr, tpr }) => [fpr, tpr])).toEqual([
      [0, 0],
      [0.5, 1],
      [1, 1],
    ]);
  });
});
