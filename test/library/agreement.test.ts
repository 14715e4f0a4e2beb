import { describe, expect, it } from 'vitest';
import { cohensKappa } from '../../src-main/contract/agreement.ts';

const verdicts = ['normal', 'pathological', 'uncertain'] as const;
type V = (typeof verdicts)[number];
const repeat = (n: number, pair: [V, V]) => Array.from({ length: n }, () => pair);

describe("Cohen's kappa", () => {
  it('matches a hand-computed example', () => {
    // Reader (rows) vs reference (columns) on 10 studies:
    //              normal  pathological  uncertain
    // normal          4         1            0
    // pathological    1         3            0
    // uncertain       0         1            0
    // p_o = 7/10; reader shares .5 .4 .1, reference shares .5 .5 0;
    // p_e = .5*.5 + .4*.5 + .1*0 = .45; kappa = (.7 - .45) / (1 - .45) = 5/11.
    const pairs = [
      ...repeat(4, ['normal', 'normal']),
      ...repeat(1, ['normal', 'pathological']),
      ...repeat(1, ['pathological', 'normal']),
      ...repeat(3, ['pathological', 'pathological']),
      ...repeat(1, ['uncertain', 'pathological']),
    ];
    const a = cohensKappa(pairs, verdicts);
    expect(a.table).toEqual([
      [4, 1, 0],
      [1, 3, 0],
      [0, 1, 0],
    ]);
    expect(a.pairs).toBe(10);
    expect(a.agreed).toBe(7);
    expect(a.observed).toBeCloseTo(0.7, 12);
    expect(a.expected).toBeCloseTo(0.45, 12);
    expect(a.kappa).toBeCloseTo(5 / 11, 12);
  });

  it('is 1 for perfect agreement and negative for systematic disagreement', () => {
    const perfect = [
      ...repeat(3, ['normal', 'normal']),
      ...repeat(2, ['pathological', 'pathological']),
    ];
    expect(cohensKappa(perfect, verdicts).kappa).toBeCloseTo(1, 12);
    // Always the opposite: p_o = 0, p_e = .5, kappa = -1.
    const opposite = [
      ...repeat(2, ['normal', 'pathological']),
      ...repeat(2, ['pathological', 'normal']),
    ];
    expect(cohensKappa(opposite, verdicts).kappa).toBeCloseTo(-1, 12);
  });

  it('has no kappa without pairs, or when chance agreement is certain', () => {
    expect(cohensKappa([], verdicts)).toMatchObject({ pairs: 0, observed: null, kappa: null });
    expect(cohensKappa(repeat(3, ['normal', 'normal']), verdicts).kappa).toBeNull();
  });

  it('names a verdict outside the categories', () => {
    expect(() => cohensKappa([['normal', 'maybe' as V]], verdicts)).toThrow(/"maybe"/);
  });
});
