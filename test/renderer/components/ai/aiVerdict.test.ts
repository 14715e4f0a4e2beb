import { describe, expect, it } from 'vitest';
import { aiVerdict, describeSettings } from '../../../../src-renderer/components/ai/aiVerdict.ts';

describe('the AI verdict of a result', () => {
  it('is pathological only when the image score is above the image operating point', () => {
    expect(aiVerdict({ score: 0.7, imageScoreThreshold: 0.5 })).toBe('pathological');
    // The calibrated point is the highest score a healthy image may have: equal is normal.
    expect(aiVerdict({ score: 0.5, imageScoreThreshold: 0.5 })).toBe('normal');
    expect(aiVerdict({ score: 0.2, imageScoreThreshold: 0.5 })).toBe('normal');
  });

  it('reads the image operating point, not the pixel cut-off', () => {
    // A result whose score is above its pixel cut-off but below its image operating point.
    const result = { score: 0.25, pixelThreshold: 0.2, threshold: 0.2, imageScoreThreshold: 0.29 };
    expect(aiVerdict(result)).toBe('normal');
  });

  it('gives no verdict for a run without an image operating point', () => {
    expect(aiVerdict({ score: 0.2, imageScoreThreshold: null })).toBeNull();
  });

  it('describes a run by its L, k and s', () => {
    expect(
      describeSettings({ noiseLevel: 400, stride: 10, guidanceScale: 100, encoding: 'ddim' }),
    ).toBe('L=400 k=10 s=100 ddim');
  });
});
