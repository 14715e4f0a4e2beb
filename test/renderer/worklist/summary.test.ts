import { describe, expect, it } from 'vitest';
import { shuffled } from '../../../src-renderer/worklist/shuffle.ts';
import {
  summariseWorklist,
  wilsonRate,
  worklistCsv,
  type CaseRead,
} from '../../../src-renderer/worklist/summary.ts';

const read = (
  studyId: number,
  reader: CaseRead['reader'],
  ai: CaseRead['ai'],
  reference: CaseRead['reference'],
  secondsToVerdict: number | null,
): CaseRead => ({ studyId, reader, ai, reference, secondsToVerdict });

describe('a shuffled worklist', () => {
  const ids = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  it('keeps every case once, and the same seed gives the same order', () => {
    const a = shuffled(ids, 42);
    expect([...a].sort((x, y) => x - y)).toEqual(ids);
    expect(shuffled(ids, 42)).toEqual(a);
    expect(a).not.toEqual(ids);
    expect(shuffled(ids, 43)).not.toEqual(a);
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('does not leave the healthy half first (5 healthy then 5 pathological as listed)', () => {
    // Over many seeds, the first case is a pathological one about half the time.
    let pathologicalFirst = 0;
    for (let seed = 0; seed < 200; seed++) if (shuffled(ids, seed)[0] > 5) pathologicalFirst++;
    expect(pathologicalFirst).toBeGreaterThan(70);
    expect(pathologicalFirst).toBeLessThan(130);
  });
});

describe('the end-of-list summary', () => {
  // Hand-counted: references 3 pathological (ids 1-3) and 3 normal (4-6), one case unread.
  const reads = [
    read(1, 'pathological', 'pathological', 'pathological', 4),
    read(2, 'pathological', 'normal', 'pathological', 6),
    read(3, 'normal', 'normal', 'pathological', 10),
    read(4, 'normal', 'normal', 'normal', 2),
    read(5, 'uncertain', 'pathological', 'normal', 8),
    read(6, 'normal', 'normal', 'normal', 3),
    read(7, null, 'normal', null, null),
  ];

  it("counts the reader's and the AI's sensitivity and specificity against the reference", () => {
    const s = summariseWorklist(reads);
    expect(s.cases).toBe(7);
    expect(s.read).toBe(6);
    expect(s.medianSeconds).toBe(5); // of 2, 3, 4, 6, 8, 10
    expect(s.readerSensitivity).toMatchObject({ successes: 2, n: 3 });
    // The flag on case 5 is not a normal call.
    expect(s.readerSpecificity).toMatchObject({ successes: 2, n: 3 });
    expect(s.aiSensitivity).toMatchObject({ successes: 1, n: 3 });
    expect(s.aiSpecificity).toMatchObject({ successes: 2, n: 3 });
  });

  it("gives Cohen's kappa of the reader against the reference", () => {
    // Table (reader rows N, P, U x reference N, P): N: 2, 1; P: 0, 2; U: 1, 0. n = 6.
    // p_o = 4/6; p_e = (3/6)(3/6) + (2/6)(3/6) + (1/6)(0) = 15/36; kappa = (24/36 - 15/36) / (21/36).
    expect(summariseWorklist(reads).kappa).toBeCloseTo(9 / 21, 10);
  });

  it('gives a Wilson interval that stays inside [0, 1] at the edges', () => {
    const all = wilsonRate(10, 10);
    expect(all.value).toBe(1);
    expect(all.high).toBe(1);
    expect(all.low).toBeCloseTo(0.7225, 3);
    const half = wilsonRate(16, 32);
    expect(half.low).toBeCloseTo(0.336, 2);
    expect(half.high).toBeCloseTo(0.664, 2);
    expect(wilsonRate(0, 0).value).toBeNull();
  });

  it('puts the measurements kept on a case into its row', () => {
    const measured = [{ ...reads[0], measurements: ['ruler 12.4 mm', 'region mean 812, SD 40'] }];
    expect(worklistCsv(measured, null).split('\n')[1]).toBe(
      '1,1,pathological,pathological,pathological,4.0,"ruler 12.4 mm; region mean 812, SD 40"',
    );
  });

  it('exports one row per case and the summary numbers as CSV', () => {
    const csv = worklistCsv(reads, 7).trim().split('\n');
    expect(csv[0]).toBe(
      'position,study_id,reader_verdict,ai_verdict,reference_verdict,seconds_to_verdict,measurements',
    );
    expect(csv[1]).toBe('1,1,pathological,pathological,pathological,4.0,');
    expect(csv[7]).toBe('7,7,,normal,,,');
    expect(csv).toContain('# order,shuffled with seed 7');
    expect(csv.find((l) => l.startsWith('# reader_sensitivity,'))).toMatch(
      /^# reader_sensitivity,0\.6667,0\.\d+,0\.\d+,2,3$/,
    );
  });
});
