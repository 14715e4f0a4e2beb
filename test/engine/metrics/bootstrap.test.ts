import { describe, expect, it } from 'vitest';
import {
  RankedPixels,
  bootstrapInterval,
  weightedAuroc,
  weightedLabF1,
  wilsonInterval,
} from '../../../src-main/engine/metrics/bootstrap.ts';
import { auroc, bestDice, labF1, pixelAuprc } from '../../../src-main/engine/metrics/index.ts';
import { mulberry32 } from '../../../src-main/engine/random.ts';

function images(count: number, seed: number) {
  const random = mulberry32(seed);
  const maps: Float32Array[] = [];
  const truths: Uint8Array[] = [];
  const regions: Uint8Array[] = [];
  for (let k = 0; k < count; k++) {
    const truth = Uint8Array.from({ length: 64 }, (_, i) => (i % 8 < 3 && i < 24 ? 1 : 0));
    // Values rounded to tenths, so that ties across classes and images occur.
    maps.push(Float32Array.from(truth, (t) => Math.round((random() + 0.6 * t) * 10) / 10));
    truths.push(truth);
    regions.push(Uint8Array.from({ length: 64 }, (_, i) => (i % 7 === 6 ? 0 : 1)));
  }
  return { maps, truths, regions };
}

describe('bootstrap intervals', () => {
  it('weighted pixel AUPRC and best Dice equal the plain metrics at unit weights and on replicated images', () => {
    const { maps, truths, regions } = images(6, 3);
    const ranked = new RankedPixels(maps, truths, regions);
    const plain = ranked.measure(new Float64Array(6).fill(1));
    expect(plain.auprc).toBeCloseTo(pixelAuprc(maps, truths, regions), 12);
    expect(plain.bestDice).toBeCloseTo(bestDice(maps, truths, regions).dice, 12);
    // Weights (2, 0, 1, 3, 0, 1) are the same as listing those images that many times.
    const weights = [2, 0, 1, 3, 0, 1];
    const pick = weights.flatMap((w, i) => Array<number>(w).fill(i));
    const replicated = [
      pick.map((i) => maps[i]),
      pick.map((i) => truths[i]),
      pick.map((i) => regions[i]),
    ] as const;
    const weighted = ranked.measure(weights);
    expect(weighted.auprc).toBeCloseTo(pixelAuprc(...replicated), 12);
    expect(weighted.bestDice).toBeCloseTo(bestDice(...replicated).dice, 12);
  });

  it('weighted AUROC is the Mann-Whitney AUROC of the replicated scores, ties counted half', () => {
    const scores = [0.1, 0.4, 0.4, 0.35, 0.8, 0.4, 0.9];
    const labels = [0, 0, 1, 0, 1, 1, 0];
    expect(weightedAuroc(scores, labels, Array(7).fill(1))).toBeCloseTo(auroc(scores, labels), 12);
    const weights = [1, 3, 2, 0, 1, 1, 2];
    const pick = weights.flatMap((w, i) => Array<number>(w).fill(i));
    expect(weightedAuroc(scores, labels, weights)).toBeCloseTo(
      auroc(
        pick.map((i) => scores[i]),
        pick.map((i) => labels[i]),
      ),
      12,
    );
    expect(weightedAuroc([0.2, 0.3], [1, 1], [1, 1])).toBeNaN();
  });

  it('weighted lab F1 at unit weights is the lab F1', () => {
    const { maps, truths } = images(5, 9);
    const names = ['mass', 'edema', 'mass', 'lesion', 'edema'];
    const boxes = maps.map((map, i) => ({
      findingName: names[i],
      map,
      boxMask: truths[i],
      healthyMask: Uint8Array.from(truths[i], (t) => 1 - t),
    }));
    const lab = labF1(boxes, 0.7);
    const perBox = lab.cases.map((c, i) => ({ image: i, findingName: c.findingName, f1: c.f1 }));
    expect(weightedLabF1(perBox, Array(5).fill(1))).toBeCloseTo(lab.f1, 12);
    // Dropping every edema image leaves the mean over mass and lesion.
    const kept = lab.perFinding;
    expect(weightedLabF1(perBox, [1, 0, 1, 1, 0])).toBeCloseTo(
      (kept.mass.f1 + kept.lesion.f1) / 2,
      12,
    );
  });

  it("an AUROC interval on 47 images is about as wide as Hanley and McNeil's standard error says", () => {
    const random = mulberry32(11);
    const labels = [...Array(15).fill(0), ...Array(32).fill(1)];
    const scores = labels.map((l) => random() + 0.6 * l);
    const area = auroc(scores, labels);
    const strata = [
      labels.flatMap((l, i) => (l === 0 ? [i] : [])),
      labels.flatMap((l, i) => (l === 1 ? [i] : [])),
    ];
    const interval = bootstrapInterval(strata, (w) => weightedAuroc(scores, labels, w));
    expect(interval.low).toBeLessThan(area);
    expect(interval.high).toBeGreaterThan(area);
    // Hanley & McNeil (1982): SE^2 = (A(1-A) + (nP-1)(Q1-A^2) + (nN-1)(Q2-A^2)) / (nP nN).
    const [q1, q2] = [area / (2 - area), (2 * area * area) / (1 + area)];
    const se = Math.sqrt(
      (area * (1 - area) + 31 * (q1 - area ** 2) + 14 * (q2 - area ** 2)) / (32 * 15),
    );
    const width = interval.high - interval.low;
    expect(width).toBeGreaterThan(0.6 * 2 * 1.96 * se);
    expect(width).toBeLessThan(1.5 * 2 * 1.96 * se);
    // Seeded: the same call gives the same interval.
    expect(bootstrapInterval(strata, (w) => weightedAuroc(scores, labels, w))).toEqual(interval);
  });

  it('the Wilson interval matches its closed form at known points', () => {
    // Worked values (Newcombe 1998, table I): 81/263 -> 0.2553-0.3662; 15/148 -> 0.0624-0.1605.
    const a = wilsonInterval(81, 263);
    expect(a.low).toBeCloseTo(0.2553, 4);
    expect(a.high).toBeCloseTo(0.3662, 4);
    const b = wilsonInterval(15, 148);
    expect(b.low).toBeCloseTo(0.0624, 4);
    expect(b.high).toBeCloseTo(0.1605, 4);
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(10, 10).high).toBeCloseTo(1, 12);
    expect(() => wilsonInterval(11, 10)).toThrow(RangeError);
  });
});
