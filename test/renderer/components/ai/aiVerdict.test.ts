import { describe, expect, it } from 'vitest';
import type { Result } from '../../../../src-renderer/api/types.ts';
import {
  aiVerdict,
  describeSettings,
  imageOperatingPoint,
} from '../../../../src-renderer/components/ai/aiVerdict.ts';

describe('the AI verdict of a result', () => {
  it('is pathological only when the image score is above the image operating point', () => {
    expect(aiVerdict(0.7, 0.5)).toBe('pathological');
    // The calibrated point is the highest score a healthy image may have: equal is normal.
    expect(aiVerdict(0.5, 0.5)).toBe('normal');
    expect(aiVerdict(0.2, 0.5)).toBe('normal');
  });

  it('gives no verdict without an image operating point', () => {
    expect(aiVerdict(0.2, null)).toBeNull();
  });

  it('never takes the overlay cut-off (a map value) for the image operating point', () => {
    // The bug: a healthy slice's top-1% score (0.31) above the pixel cut-off (0.2) read as
    // "pathological" on every case.
    const result = { score: 0.31, threshold: 0.2, pixelThreshold: 0.2 } as Result;
    const run = { settings: { noiseLevel: 100, stride: 20, guidanceScale: 30, encoding: 'noise' } };
    expect(imageOperatingPoint(result, run, null)).toBeNull();
    expect(imageOperatingPoint(result, run, { pixelThreshold: 0.2 })).toBeNull();
    const preset = { ...run.settings, pixelThreshold: 0.2, imageScoreThreshold: 0.45 };
    expect(imageOperatingPoint(result, run, preset)).toBe(0.45);
    expect(aiVerdict(result.score, imageOperatingPoint(result, run, preset))).toBe('normal');
    // The preset's operating point holds for its own settings only.
    expect(
      imageOperatingPoint(result, { settings: { ...run.settings, stride: 5 } }, preset),
    ).toBeNull();
    // One stored with the run (or the result) comes first.
    const calibratedRun = { settings: { ...run.settings, imageScoreThreshold: 0.3 } };
    expect(imageOperatingPoint(result, calibratedRun, preset)).toBe(0.3);
    expect(imageOperatingPoint({ ...result, imageScoreThreshold: 0.29 }, run, preset)).toBe(0.29);
  });

  it("gives no verdict for a run that stored no operating point, even with the preset's L, k, s", () => {
    const run = { settings: { noiseLevel: 100, stride: 20, guidanceScale: 30, encoding: 'noise' } };
    const preset = { ...run.settings, imageScoreThreshold: 0.45 };
    // Other settings the five map settings do not show (e.g. another residual): the job stored null.
    const other = { settings: { ...run.settings, residual: 'l1', imageScoreThreshold: null } };
    const result = { score: 0.9, imageScoreThreshold: null } as unknown as Result;
    expect(imageOperatingPoint(result, other, preset)).toBeNull();
    expect(aiVerdict(result.score, imageOperatingPoint(result, other, preset))).toBeNull();
  });

  it('describes a run by its L, k, s, encoding and size, never "size =64"', () => {
    expect(
      describeSettings({
        noiseLevel: 100,
        stride: 10,
        guidanceScale: 60,
        encoding: 'noise',
        imageSize: 64,
      }),
    ).toBe('L=100 k=10 s=60 · noise · 64 px');
    expect(
      describeSettings({ noiseLevel: 400, stride: 10, guidanceScale: 100, encoding: 'ddim' }),
    ).toBe('L=400 k=10 s=100 · ddim');
  });
});
