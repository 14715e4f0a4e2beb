import { describe, expect, it } from 'vitest';
import {
  binarize,
  calibrateThreshold,
  imageScore,
  otsuThreshold,
} from '../../../src-main/engine/anomaly/index.ts';
import { seededNormal } from '../metrics/seededRandom.ts';

describe('otsuThreshold', () => {
  it('splits two clusters at the largest value of the lower one', () => {
    expect(otsuThreshold([1, 2, 3, 50, 51, 52])).toBe(3);
    expect(otsuThreshold([0, 0, 0, 10, 10, 10])).toBe(0);
  });

  it('separates two noisy intensity classes', () => {
    const normal = seededNormal(3);
    const dark = Array.from({ length: 600 }, () => -0.8 + 0.05 * normal());
    const bright = Array.from({ length: 400 }, () => 0.5 + 0.05 * normal());
    const threshold = otsuThreshold([...dark, ...bright]);
    expect(threshold).toBeGreaterThanOrEqual(Math.max(...dark));
    expect(threshold).toBeLessThan(Math.min(...bright));
  });

  it('returns the value of a constant input, which marks nothing', () => {
    expect(otsuThreshold([0.4, 0.4, 0.4])).toBe(0.4);
    expect(() => otsuThreshold([])).toThrow(/no values/);
    expect(() => otsuThreshold([1, NaN])).toThrow(/value 1 is NaN/);
  });
});

describe('calibrateThreshold', () => {
  // Two healthy maps whose in-brain values are 1..50 and 51..100; the pixels outside the brain
  // hold 1000, which must not count.
  const maps = [0, 50].map((start) =>
    Float32Array.from({ length: 60 }, (_, i) => (i < 50 ? start + i + 1 : 1000)),
  );
  const masks = maps.map(() => Uint8Array.from({ length: 60 }, (_, i) => (i < 50 ? 1 : 0)));

  it('marks at most 5% of the pooled healthy brain pixels', () => {
    // 100 pixels, 5 may be marked: the threshold is 95 and 96..100 lie above it.
    const threshold = calibrateThreshold(maps, masks, 0.05);
    expect(threshold).toBe(95);
    const marked = maps.reduce(
      (sum, map, k) =>
        sum + binarize(map, threshold).reduce((s, v, i) => s + (v && masks[k][i] ? 1 : 0), 0),
      0,
    );
    expect(marked).toBe(5);
  });

  it('follows the requested false positive rate', () => {
    expect(calibrateThreshold(maps, masks, 0.2)).toBe(80);
  });

  it('refuses empty masks, mismatched lists and a rate outside (0, 1)', () => {
    expect(() =>
      calibrateThreshold(
        maps,
        masks.map((m) => m.map(() => 0)),
      ),
    ).toThrow(/no brain/);
    expect(() => calibrateThreshold(maps, masks.slice(1))).toThrow(/2 healthy maps but 1 masks/);
    expect(() => calibrateThreshold(maps, masks, 1)).toThrow(/fpr/);
  });
});

describe('imageScore', () => {
  it('is the mean of the top 1% of the values inside the mask', () => {
    // In-mask values 1..200 (top 1% = 199, 200); 10 outside pixels hold 1000.
    const map = Float32Array.from({ length: 210 }, (_, i) => (i < 200 ? i + 1 : 1000));
    const mask = Uint8Array.from({ length: 210 }, (_, i) => (i < 200 ? 1 : 0));
    expect(imageScore(map, mask)).toBe(199.5);
    expect(imageScore(map, mask, 0.025)).toBe((196 + 197 + 198 + 199 + 200) / 5);
  });

  it('uses at least one value and counts 1% of 700 pixels as exactly 7', () => {
    const small = Float32Array.from([3, 1, 2]);
    expect(imageScore(small, Uint8Array.from([1, 1, 1]))).toBe(3);
    const map = Float32Array.from({ length: 700 }, (_, i) => i);
    const expected = (693 + 694 + 695 + 696 + 697 + 698 + 699) / 7;
    expect(imageScore(map, new Uint8Array(700).fill(1))).toBeCloseTo(expected, 10);
  });

  it('refuses an empty mask', () => {
    expect(() => imageScore(new Float32Array(4), new Uint8Array(4))).toThrow(/no pixels/);
  });
});
