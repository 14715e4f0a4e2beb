import { describe, expect, it } from 'vitest';
import {
  FIXED_SCALE_OPERATING_POINTS,
  heatScaleCaption,
  heatScaleRange,
  stretchedRange,
} from '../../../../src-renderer/components/viewer/heatScale.ts';
import { colormapIndex } from '../../../../src-renderer/components/viewer/overlay.ts';

describe('the heat scale of anomaly maps', () => {
  const healthy = { min: 0, max: 0.12 };
  const tumour = { min: 0, max: 0.9 };

  it('is the same for a healthy and a pathological case, anchored to the operating point', () => {
    const a = heatScaleRange('fixed', 0.1, healthy);
    const b = heatScaleRange('fixed', 0.1, tumour);
    expect(a).toEqual(b);
    expect(a).toEqual({ min: 0, max: FIXED_SCALE_OPERATING_POINTS * 0.1, anchored: true });
    // The healthy maximum (0.12) lands low on the scale, the tumour at the top: not both hot.
    expect(colormapIndex(0.12, a.min, a.max)).toBeLessThan(80);
    expect(colormapIndex(0.9, b.min, b.max)).toBe(255);
  });

  it('stretches each case to its own maximum only when asked', () => {
    const a = heatScaleRange('stretched', 0.1, healthy);
    const b = heatScaleRange('stretched', 0.1, tumour);
    expect(a.max).toBeCloseTo(0.12);
    expect(b.max).toBeCloseTo(0.9);
    // Stretched, a healthy maximum is as hot as a tumour's: why it is not the default.
    expect(colormapIndex(0.12, a.min, a.max)).toBe(colormapIndex(0.9, b.min, b.max));
    expect(heatScaleCaption(a, 'stretched')).toBe('stretched to this case');
  });

  it('falls back to the case range, and says so, when no operating point was calibrated', () => {
    const range = heatScaleRange('fixed', null, tumour);
    expect(range).toEqual({ min: 0, max: 0.9, anchored: false });
    expect(heatScaleCaption(range, 'fixed')).toMatch(/no operating point/);
  });

  it('colours a flat map from zero and keeps the cut-off inside the colour range', () => {
    expect(stretchedRange({ min: 0, max: 0 }, 0.2)).toEqual({ min: 0, max: 0.2 });
    expect(stretchedRange({ min: 0.1, max: 0.9 }, 0.2)).toEqual({ min: 0, max: 0.9 });
  });
});
