import { describe, expect, it } from 'vitest';
import {
  describePixel,
  describeWindow,
  formatValue,
} from '../../../../src-renderer/components/viewer/readout.ts';

describe('numbers beside the images', () => {
  it('writes values with at most 4 significant digits, whole numbers whole', () => {
    expect(formatValue(20312)).toBe('20312');
    expect(formatValue(0.231456)).toBe('0.2315');
    expect(formatValue(12.5)).toBe('12.5');
    expect(formatValue(1234.567)).toBe('1235');
    expect(formatValue(Number.NaN)).toBe('—');
  });

  it('gives window/level in the source units instead of "Custom"', () => {
    expect(describeWindow({ center: 2000, width: 1000 })).toBe('C 2000 · W 1000');
    // DICOM rescale: value = stored * 2 - 1024.
    expect(describeWindow({ center: 2000, width: 1000 }, 2, -1024)).toBe('C 2976 · W 2000');
  });

  it('reads the intensity and the anomaly value under the cursor', () => {
    expect(describePixel({ intensity: 20312, anomaly: 0.23149 })).toBe(
      'intensity 20312 · anomaly 0.231',
    );
    expect(describePixel({ intensity: 0.5, anomaly: null })).toBe('intensity 0.5');
  });
});
