import { describe, expect, it } from 'vitest';
import { bestDice, pixelAuprc } from '../../../src-main/engine/metrics/index.ts';

const f32 = (values: number[]) => Float32Array.from(values);
const u8 = (values: number[]) => Uint8Array.from(values);

describe('pixelAuprc', () => {
  it('ranks the in-brain pixels of all images together and ignores pixels outside the brain', () => {
    // Two 2 x 2 images; the last pixel of each is outside the brain. Image B's outside pixel is
    // a finding with the highest value: counting it would lift the AP.
    const maps = [f32([0.9, 0.2, 0.7, 0.1]), f32([0.8, 0.3, 0.05, 5])];
    const truths = [u8([1, 0, 0, 0]), u8([0, 1, 0, 1])];
    const brains = [u8([1, 1, 1, 0]), u8([1, 1, 1, 0])];
    // Pooled ranking: 0.9 (pos), 0.8, 0.7, 0.3 (pos), 0.2, 0.05.
    // AP = 1/2 * 1 (P at 0.9) + 1/2 * 2/4 (P at 0.3) = 0.75.
    expect(pixelAuprc(maps, truths, brains)).toBeCloseTo(0.75, 12);
  });

  it('refuses masks of another size than the map', () => {
    expect(() => pixelAuprc([f32([1, 2])], [u8([1, 0, 0])], [u8([1, 1])])).toThrow(/image 0/);
    expect(() => pixelAuprc([f32([1, 2])], [], [u8([1, 1])])).toThrow(/one of each per image/);
  });
});

describe('bestDice', () => {
  // Ranked: 0.9 (pos), 0.8 (pos), 0.6, 0.4 (pos), 0.2, 0.1; 3 finding pixels.
  // Dice = 2 TP / (marked + 3): 2/4, 4/5, 4/6, 6/7, 6/8, 6/9 -> best 6/7 marking >= 0.4.
  const map = [0.9, 0.8, 0.6, 0.4, 0.2, 0.1];
  const truth = [1, 1, 0, 1, 0, 0];

  it('finds the best global Dice and a map cut-off between the last marked and next value', () => {
    const best = bestDice([f32(map)], [u8(truth)], [u8([1, 1, 1, 1, 1, 1])]);
    expect(best.dice).toBeCloseTo(6 / 7, 12);
    expect(best.mapCutoff).toBeCloseTo(0.3, 6);
  });

  it('gives the same answer when the pixels are split over two images (global, not a mean)', () => {
    const best = bestDice(
      [f32(map.slice(0, 3)), f32(map.slice(3))],
      [u8(truth.slice(0, 3)), u8(truth.slice(3))],
      [u8([1, 1, 1]), u8([1, 1, 1])],
    );
    expect(best.dice).toBeCloseTo(6 / 7, 12);
  });

  it('returns a map cut-off whose binary map, counted directly, has that Dice', () => {
    const best = bestDice([f32(map)], [u8(truth)], [u8([1, 1, 1, 1, 1, 1])]);
    const marked = map.map((value) => (value > best.mapCutoff ? 1 : 0));
    const tp = marked.filter((m, i) => m && truth[i]).length;
    const dice = (2 * tp) / (marked.filter(Boolean).length + truth.filter(Boolean).length);
    expect(dice).toBeCloseTo(best.dice, 12);
  });

  it('returns -Infinity as the map cut-off when marking the whole brain is best', () => {
    expect(bestDice([f32([0.5, 0.1])], [u8([1, 1])], [u8([1, 1])])).toEqual({
      dice: 1,
      mapCutoff: -Infinity,
    });
  });

  it('refuses data without a finding pixel inside the brain', () => {
    expect(() => bestDice([f32([0.5, 0.1])], [u8([0, 1])], [u8([1, 0])])).toThrow(/no finding/);
  });
});
