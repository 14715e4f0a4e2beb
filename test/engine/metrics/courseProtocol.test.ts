import { describe, expect, it } from 'vitest';
import { courseProtocol, type FindingCase } from '../../../src-main/engine/metrics/index.ts';
import { bottomRight, complement, firstTen, topLeft } from './boxes4x4.ts';

/*
 * The worked example, threshold 0.5 (marked = value > 0.5), healthy mask = all pixels outside the
 * box:
 *
 *   map          0.9 0.8 0.1 0.0
 *                0.7 0.2 0.0 0.6
 *                0.1 0.0 0.9 0.0
 *                0.0 0.0 0.0 0.0
 *
 * Case 1 "mass", box = top-left 2 x 2: 3 of 4 box pixels marked (75% > 10%) -> TP.
 *   Marked outside: (1,3), (2,2) = 2 -> FP = floor(2 / 3) = 0.
 * Case 2 "mass", same map, box = bottom-right 2 x 2: 1 of 4 marked (25%) -> TP.
 *   Marked outside: (0,0), (0,1), (1,0), (1,3) = 4 -> FP = floor(4 / 1) = 4.
 * Case 3 "edema", box = the first 10 pixels (rows 0-1 and (2,0), (2,1)) on a map marking only
 *   (0,0) inside it: exactly 10% is not more than 10% -> missed.
 *   Marked outside: (2,2), (2,3), (3,3) = 3 -> FP = floor(3 / 1) = 3.
 *
 * mass:    TP 2, FP 4, n 2 -> precision 2/6, recall 1, F1 = 2 (1/3)(1) / (4/3) = 1/2.
 * edema:   TP 0, FP 3, n 1 -> precision 0, recall 0, F1 0.
 * overall: TP 2, FP 7, n 3 -> precision 2/9, recall 2/3, F1 = (8/27) / (8/9) = 1/3.
 */
const map = Float32Array.from([0.9, 0.8, 0.1, 0, 0.7, 0.2, 0, 0.6, 0.1, 0, 0.9, 0, 0, 0, 0, 0]);
const edemaMap = Float32Array.from({ length: 16 }, (_, i) => ([0, 10, 11, 15].includes(i) ? 1 : 0));
const cases: FindingCase[] = [
  { findingName: 'mass', map, boxMask: topLeft, healthyMask: complement(topLeft) },
  { findingName: 'mass', map, boxMask: bottomRight, healthyMask: complement(bottomRight) },
  { findingName: 'edema', map: edemaMap, boxMask: firstTen, healthyMask: complement(firstTen) },
];

describe('courseProtocol', () => {
  const result = courseProtocol(cases, 0.5);

  it('detects a finding only when more than 10% of its box is above threshold', () => {
    expect(result.cases.map(({ detected }) => detected)).toEqual([true, true, false]);
    expect(result.cases.map(({ boxFractionMarked }) => boxFractionMarked)).toEqual([
      0.75, 0.25, 0.1,
    ]);
  });

  it('counts false positives as healthy marked pixels per marked box pixel, rounded down', () => {
    expect(result.cases.map(({ fp }) => fp)).toEqual([0, 4, 3]);
  });

  it('reports precision, recall and F1 per finding name and overall', () => {
    expect(result.perFinding.mass).toMatchObject({ tp: 2, fp: 4, n: 2, recall: 1 });
    expect(result.perFinding.mass.precision).toBeCloseTo(1 / 3, 12);
    expect(result.perFinding.mass.f1).toBeCloseTo(0.5, 12);
    expect(result.perFinding.edema).toEqual({
      tp: 0,
      fp: 3,
      n: 1,
      precision: 0,
      recall: 0,
      f1: 0,
    });
    expect(result.overall).toMatchObject({ tp: 2, fp: 7, n: 3 });
    expect(result.overall.precision).toBeCloseTo(2 / 9, 12);
    expect(result.overall.recall).toBeCloseTo(2 / 3, 12);
    expect(result.overall.f1).toBeCloseTo(1 / 3, 12);
  });

  it('detects nothing and counts no false positives when the threshold is above every value', () => {
    const strict = courseProtocol(cases, 1);
    expect(strict.overall).toEqual({ tp: 0, fp: 0, n: 3, precision: 0, recall: 0, f1: 0 });
  });

  it('names the case whose box is empty or whose masks do not match the map', () => {
    const empty = { ...cases[0], boxMask: new Uint8Array(16) };
    expect(() => courseProtocol([cases[0], empty], 0.5)).toThrow(/case 1 \(mass\).*empty/);
    const short = { ...cases[2], healthyMask: new Uint8Array(4) };
    expect(() => courseProtocol([short], 0.5)).toThrow(/case 0 \(edema\)/);
  });
});
