import { describe, expect, it } from 'vitest';
import { gaussianSmooth } from '../../../src-main/engine/anomaly/index.ts';

describe('gaussianSmooth', () => {
  it('leaves a constant map unchanged, borders included', () => {
    const smoothed = gaussianSmooth(new Float32Array(64).fill(0.3), 8, 1.5);
    for (const value of smoothed) expect(value).toBeCloseTo(0.3, 6);
  });

  it('spreads an impulse into the product of two normalised 1-D Gaussians', () => {
    const size = 15;
    const impulse = new Float32Array(size * size);
    impulse[7 * size + 7] = 1;
    const smoothed = gaussianSmooth(impulse, size, 1);
    const taps = [-3, -2, -1, 0, 1, 2, 3].map((k) => Math.exp(-(k * k) / 2));
    const total = taps.reduce((sum, t) => sum + t, 0);
    // Weight of offset (0, 0) and of offset (1, 2).
    expect(smoothed[7 * size + 7]).toBeCloseTo((taps[3] / total) ** 2, 6);
    expect(smoothed[8 * size + 9]).toBeCloseTo((taps[4] / total) * (taps[5] / total), 6);
    expect(smoothed.reduce((sum, v) => sum + v, 0)).toBeCloseTo(1, 5);
    expect(smoothed[8 * size + 9]).toBeCloseTo(smoothed[6 * size + 5], 7);
  });

  it('returns a copy for sigma 0 and refuses a negative sigma or a wrong size', () => {
    const map = Float32Array.from([1, 2, 3, 4]);
    const copy = gaussianSmooth(map, 2, 0);
    expect(copy).toEqual(map);
    expect(copy).not.toBe(map);
    expect(() => gaussianSmooth(map, 2, -1)).toThrow(/sigma/);
    expect(() => gaussianSmooth(map, 3, 1)).toThrow(/expected 9/);
  });
});
