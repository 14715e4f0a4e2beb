import { describe, expect, it } from 'vitest';
import {
  applyWindowLevel,
  displayLevel,
  dragWindowLevel,
  intensityRange,
  percentile,
  windowForRange,
} from '../../../../src-renderer/components/viewer/windowLevel.ts';
import {
  windowFromPreset,
  windowPresets,
} from '../../../../src-renderer/components/viewer/windowPresets.ts';

describe('window/level', () => {
  it('shows the bottom of the window black, the top white and the centre mid grey', () => {
    const window = { center: 1000, width: 400 };
    expect(displayLevel(800, window)).toBe(0);
    expect(displayLevel(1200, window)).toBe(255);
    expect(displayLevel(1000, window)).toBe(128);
    expect(displayLevel(0, window)).toBe(0);
    expect(displayLevel(65535, window)).toBe(255);
  });

  it('maps 16-bit pixels linearly inside the window and clamps outside it', () => {
    const pixels = Uint16Array.from([0, 1000, 1100, 1200, 1300, 1400, 60000]);
    const grey = applyWindowLevel(pixels, { center: 1200, width: 400 });
    expect(Array.from(grey)).toEqual([0, 0, 64, 128, 191, 255, 255]);
  });

  it('maps float slices in [-1, 1] with the full-range window to 0..255', () => {
    const pixels = Float32Array.from([-1, -0.5, 0, 0.5, 1]);
    const window = windowForRange(intensityRange(pixels));
    expect(window).toEqual({ center: 0, width: 2 });
    expect(Array.from(applyWindowLevel(pixels, window))).toEqual([0, 64, 128, 191, 255]);
  });

  it('shows a NaN pixel black instead of failing', () => {
    expect(displayLevel(Number.NaN, { center: 0, width: 1 })).toBe(0);
  });

  it('rejects an output buffer of the wrong size', () => {
    expect(() =>
      applyWindowLevel([1, 2, 3], { center: 0, width: 1 }, new Uint8ClampedArray(2)),
    ).toThrow(/output holds 2 pixels, the slice has 3/);
  });

  it('widens the window when dragged right and raises the level when dragged down', () => {
    const range = { min: 0, max: 4096 };
    const start = { center: 2048, width: 1024 };
    const wider = dragWindowLevel(start, 10, 0, range);
    expect(wider.width).toBeCloseTo(1024 + 10 * 16);
    expect(wider.center).toBe(2048);
    const lower = dragWindowLevel(start, 0, 5, range);
    expect(lower.center).toBeCloseTo(2048 + 5 * 16);
    expect(lower.width).toBe(1024);
  });

  it('never lets a drag collapse the window to zero width', () => {
    const narrowest = dragWindowLevel({ center: 0, width: 0.5 }, -1e6, 0, { min: -1, max: 1 });
    expect(narrowest.width).toBeGreaterThan(0);
  });

  it('drags the same on float and 16-bit data relative to their range', () => {
    const a = dragWindowLevel({ center: 0, width: 1 }, 32, 0, { min: -1, max: 1 });
    const b = dragWindowLevel({ center: 0, width: 32768 }, 32, 0, { min: 0, max: 65536 });
    expect((a.width - 1) / 2).toBeCloseTo((b.width - 32768) / 65536);
  });

  it('finds percentiles and builds preset windows from them', () => {
    const pixels = Float32Array.from({ length: 101 }, (_, i) => i);
    expect(percentile(pixels, 0)).toBe(0);
    expect(percentile(pixels, 0.5)).toBe(50);
    expect(percentile(pixels, 1)).toBe(100);
    const full = windowPresets.find((p) => p.name === 'Full range');
    expect(full).toBeDefined();
    expect(windowFromPreset(pixels, full!)).toEqual({ center: 50, width: 100 });
    const contrast = windowFromPreset(pixels, windowPresets[3]);
    expect(contrast).toEqual({ center: 50, width: 60 });
  });

  it('binds one preset to each number key 1..9', () => {
    expect(windowPresets.map((p) => p.key)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });
});
