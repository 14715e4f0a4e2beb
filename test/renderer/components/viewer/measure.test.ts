import { describe, expect, it } from 'vitest';
import {
  describeMeasurement,
  measurementCaption,
  regionStats,
  rulerLength,
} from '../../../../src-renderer/components/viewer/measure.ts';

describe('measuring on a slice', () => {
  it('measures a ruler in millimetres from the pixel spacing (row, column)', () => {
    // 3 columns right and 4 rows down; columns 2 mm apart, rows 0.5 mm: hypot(6, 2).
    const ruler = { a: { x: 1, y: 1 }, b: { x: 4, y: 5 } };
    expect(rulerLength(ruler, [0.5, 2]).value).toBeCloseTo(Math.hypot(6, 2), 10);
    expect(rulerLength(ruler, [0.5, 2]).unit).toBe('mm');
    expect(rulerLength(ruler, null)).toEqual({ value: 5, unit: 'px' });
  });

  it("gives a region's mean, sample SD and area in the slice's units", () => {
    // 3 x 2 image; the region covers the centres of the left 2 x 2 pixels: 1, 2, 4, 5.
    const values = [1, 2, 3, 4, 5, 6];
    const region = { a: { x: 0, y: 0 }, b: { x: 2, y: 2 } };
    const stats = regionStats(
      values,
      { width: 3, height: 2 },
      region,
      { slope: 10, intercept: -5 },
      [0.5, 0.5],
    );
    // Source units: 5, 15, 35, 45: mean 25, sample SD sqrt(((20²+10²)·2)/3).
    expect(stats?.pixels).toBe(4);
    expect(stats?.mean).toBeCloseTo(25, 10);
    expect(stats?.sd).toBeCloseTo(Math.sqrt(1000 / 3), 10);
    expect(stats?.area).toBeCloseTo(1, 10);
    expect(stats?.areaUnit).toBe('mm²');
  });

  it('says a region with its area in mm² where the spacing is known, in pixels where not', () => {
    const values = [1, 2, 3, 4];
    const all = { kind: 'region' as const, a: { x: 0, y: 0 }, b: { x: 2, y: 2 } };
    const units = { slope: 1, intercept: 0 };
    expect(describeMeasurement(all, values, { width: 2, height: 2 }, units, [0.5, 0.5])).toBe(
      'region mean 2.50 SD 1.29, area 1.0 mm² (4 px)',
    );
    const inPixels = describeMeasurement(all, values, { width: 2, height: 2 }, units, null);
    expect(inPixels).toBe('region mean 2.50 SD 1.29, area 4 px');
    expect(measurementCaption(inPixels)).toBe('mean 2.50 SD 1.29');
    expect(measurementCaption('ruler 12.4 mm')).toBe('12.4 mm');
  });

  it('finds no pixel in a region between pixel centres, and says so', () => {
    const values = [1, 2, 3, 4];
    const thin = { kind: 'region' as const, a: { x: 0.6, y: 0 }, b: { x: 1.4, y: 2 } };
    expect(
      regionStats(values, { width: 2, height: 2 }, thin, { slope: 1, intercept: 0 }, null),
    ).toBeNull();
    expect(
      describeMeasurement(thin, values, { width: 2, height: 2 }, { slope: 1, intercept: 0 }, null),
    ).toBe('region: no pixels');
  });
});
