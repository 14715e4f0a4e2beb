import { describe, expect, it } from 'vitest';
import { labCaseF1 } from '../../../src-main/engine/metrics/labCaseF1.ts';
import { labF1 } from '../../../src-main/engine/metrics/labF1.ts';
import { bottomRight, complement, firstTen, topLeft } from './boxes4x4.ts';

/*
 * Hand-computed, cut-off 0.5 (values at or below 0.5 zeroed: the one rule `value > cut-off`, so
 * the two pixels at exactly 0.5 are zeroed, which the lab's `value < threshold` would keep),
 * dyadic values so the sums are exact:
 *
 *   map   0.75  0.5   0.125 0
 *         0.625 0.25  0     0.5
 *         0.125 0     0.75  0
 *         0     0     0     0
 *
 * A "mass", box top-left: non-zero 0.75, 0.625 = 2 of 4 > 10% -> TP; box sum 1.375, healthy
 *   sum 0.75 -> FP = floor(0.75 / 1.375) = 0; precision 1, F1 1.
 * B "mass", box bottom-right: only 0.75 non-zero = 25% -> TP; box sum 0.75 -> max(0.75, 1) = 1;
 *   healthy sum 0.75 + 0.625 = 1.375 -> FP 1; precision 1/2, F1 = 1 / (3/2) = 2/3. (The 0.5s
 *   kept, as the lab's code does, would give healthy 2.375, FP 2, F1 1/2; values set to 1 instead
 *   of kept would give FP 2 at this cut-off as well, F1 1/2.)
 * C "edema", box = first 10 pixels, map 2 at pixel 0 and 3 at pixel 15: 1 of 10 = exactly 10% is
 *   not more -> TP 0; FP = floor(3 / 2) = 1; F1 0.
 * D "edema", box bottom-right at 0.125 each and 0.125 on four healthy pixels, threshold 0.1: box
 *   sum 0.5 -> max 1, healthy sum 0.5 -> FP 0, F1 1. The same map times 8: box 4, healthy 4 ->
 *   FP 1, precision 1/2, F1 2/3 (the scale dependence of max(..., 1)).
 *
 * mass 0.75, edema 0.5, lab F1 = 0.625.
 */
const map = Float32Array.from([
  0.75, 0.5, 0.125, 0, 0.625, 0.25, 0, 0.5, 0.125, 0, 0.75, 0, 0, 0, 0, 0,
]);
const edemaMap = Float32Array.from({ length: 16 }, (_, i) => (i === 0 ? 2 : i === 15 ? 3 : 0));
const smallMap = Float32Array.from({ length: 16 }, (_, i) =>
  bottomRight[i] || [0, 1, 2, 3].includes(i) ? 0.125 : 0,
);
const caseA = { findingName: 'mass', map, boxMask: topLeft, healthyMask: complement(topLeft) };
const caseB = {
  findingName: 'mass',
  map,
  boxMask: bottomRight,
  healthyMask: complement(bottomRight),
};
const caseC = {
  findingName: 'edema',
  map: edemaMap,
  boxMask: firstTen,
  healthyMask: complement(firstTen),
};
const caseD = {
  findingName: 'edema',
  map: smallMap,
  boxMask: bottomRight,
  healthyMask: complement(bottomRight),
};

describe('labCaseF1', () => {
  it('keeps the values above the cut-off, zeroes the rest, and zeroes a value equal to it', () => {
    expect(labCaseF1(caseA, 0.5)).toMatchObject({ tp: 1, fp: 0, precision: 1, f1: 1 });
    expect(labCaseF1(caseA, 0.5).boxSum).toBe(1.375);
    expect(labCaseF1(caseA, 0.5).boxFractionNonZero).toBe(0.5);
    expect(labCaseF1(caseB, 0.5)).toMatchObject({ tp: 1, fp: 1, boxSum: 0.75, healthySum: 1.375 });
    expect(labCaseF1(caseB, 0.5).precision).toBe(0.5);
    expect(labCaseF1(caseB, 0.5).f1).toBeCloseTo(2 / 3, 12);
  });

  it('needs more than 10% of the box non-zero, and gives 0 when TP and precision are 0', () => {
    expect(labCaseF1(caseC, 0.5)).toMatchObject({
      tp: 0,
      fp: 1,
      precision: 0,
      f1: 0,
      boxFractionNonZero: 0.1,
    });
  });

  it("depends on the map's scale through max(box sum, 1)", () => {
    expect(labCaseF1(caseD, 0.1)).toMatchObject({ tp: 1, fp: 0, f1: 1 });
    const scaled = { ...caseD, map: smallMap.map((v) => v * 8) };
    expect(labCaseF1(scaled, 0.8)).toMatchObject({ tp: 1, fp: 1, precision: 0.5 });
    expect(labCaseF1(scaled, 0.8).f1).toBeCloseTo(2 / 3, 12);
  });

  it('names the case and the problem when the masks do not fit', () => {
    expect(() => labCaseF1({ ...caseA, boxMask: new Uint8Array(15) }, 0.5, 'image 7')).toThrow(
      /image 7 \(mass\): map has 16 pixels, box mask 15/,
    );
    expect(() => labCaseF1({ ...caseA, boxMask: new Uint8Array(16) }, 0.5)).toThrow(
      /the finding box is empty/,
    );
    expect(() => labCaseF1(caseA, Number.NaN)).toThrow(/mapCutoff is NaN/);
  });
});

describe('labF1', () => {
  it('averages the per-image F1 over each finding, then over findings', () => {
    const result = labF1([caseA, caseB, caseC, { ...caseD, map: smallMap }], 0.1);
    // At 0.1 the 0.125 pixels of the mass map count too: A box sum 2.125, healthy 1.375 -> F1 1;
    // B: box 0.75 -> 1, healthy 2.125 -> FP 2, F1 1/2. C as before (F1 0), D F1 1.
    expect(result.perFinding.mass).toMatchObject({ n: 2, tp: 2, fp: 2 });
    expect(result.perFinding.mass.f1).toBeCloseTo(0.75, 12);
    expect(result.perFinding.edema).toMatchObject({ n: 2, tp: 1, fp: 1, f1: 0.5 });
    expect(result.f1).toBeCloseTo(0.625, 12);
    expect(result.cases).toHaveLength(4);
    expect(result.mapCutoff).toBe(0.1);
  });

  it('weighs a rare finding as much as a common one', () => {
    // Three detected masses (F1 1 each) and one missed edema: mean over findings 0.5, not 0.75.
    const result = labF1([caseA, caseA, caseA, caseC], 0.5);
    expect(result.f1).toBe(0.5);
  });

  it('refuses an empty list', () => {
    expect(() => labF1([], 0.5)).toThrow(/no finding boxes/);
  });
});
