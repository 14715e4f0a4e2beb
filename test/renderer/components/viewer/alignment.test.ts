import { describe, expect, it } from 'vitest';
import {
  applyLinear,
  fitLinear,
} from '../../../../src-renderer/components/viewer/intensityMatch.ts';
import {
  resampleBilinear,
  resampleNearest,
} from '../../../../src-renderer/components/viewer/resample.ts';
import { alignToInput } from '../../../../src-renderer/views/reviewLayers.ts';
import { intensityRange } from '../../../../src-renderer/components/viewer/windowLevel.ts';

const layer = (values: number[], width: number, height: number) => ({
  width,
  height,
  values: Float32Array.from(values),
  range: intensityRange(values),
});

describe('aligning the reconstruction and map with the input', () => {
  it('resamples a small map onto a larger grid, each pixel from the one it covers', () => {
    const map = [1, 2, 3, 4]; // 2 x 2
    expect(
      Array.from(resampleNearest(map, { width: 2, height: 2 }, { width: 4, height: 4 })),
    ).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });

  it('rejects a map whose value count does not match its size', () => {
    expect(() =>
      resampleNearest([1, 2, 3], { width: 2, height: 2 }, { width: 4, height: 4 }),
    ).toThrow(/3 values for a 2 x 2 image/);
  });

  it('fits the line that brings reconstruction values into input units', () => {
    const reconstruction = [-1, -0.5, 0, 0.5, 1];
    const input = reconstruction.map((v) => 30000 + 20000 * v);
    const fit = fitLinear(reconstruction, input);
    expect(fit!.slope).toBeCloseTo(20000);
    expect(fit!.intercept).toBeCloseTo(30000);
    expect(Array.from(applyLinear([0.25], fit!))).toEqual([35000]);
    expect(fitLinear([2, 2, 2], [1, 5, 9])).toBeNull();
  });

  it('fits only where the map says healthy, so a lesion does not bend the line', () => {
    // Pixel 3 holds a lesion: bright in the input, removed in the reconstruction.
    const input = layer([10, 20, 30, 90], 2, 2);
    const reconstruction = layer([1, 2, 3, 4], 2, 2);
    const map = layer([0, 0, 0, 0.8], 2, 2);
    const aligned = alignToInput(input, reconstruction, map, 0.5);
    expect(Array.from(aligned.reconstruction.values).map((v) => Math.round(v))).toEqual([
      10, 20, 30, 40,
    ]);
  });
});

describe('smooth upsampling of maps', () => {
  it('interpolates between pixel centres and clamps at the edges', () => {
    // One row [0, 4] to four pixels: centres at -0.25, 0.25, 0.75, 1.25 source pixels.
    const row = resampleBilinear([0, 4], { width: 2, height: 1 }, { width: 4, height: 1 });
    expect(Array.from(row)).toEqual([0, 1, 3, 4]);
    const square = resampleBilinear(
      [0, 4, 8, 12],
      { width: 2, height: 2 },
      { width: 4, height: 4 },
    );
    // Second row, second column: 0.75 * (0.75*0 + 0.25*4) + 0.25 * (0.75*8 + 0.25*12) = 3.
    expect(square[1 * 4 + 1]).toBeCloseTo(3, 6);
    expect(Math.max(...square)).toBe(12);
    expect(Math.min(...square)).toBe(0);
  });
});
