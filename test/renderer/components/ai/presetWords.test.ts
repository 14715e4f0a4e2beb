import { describe, expect, it } from 'vitest';
import type { Evaluation } from '../../../../src-renderer/api/types.ts';
import {
  describeTimePerSlice,
  estimateSecondsPerSlice,
  stepsPerSlice,
} from '../../../../src-renderer/components/ai/presetWords.ts';

const evaluation = (createdAt: string, secondsPerSlice: number) =>
  ({
    createdAt,
    guided: {
      settings: { noiseLevel: 100, stride: 20, guidanceScale: 30, encoding: 'noise' },
      secondsPerSlice,
    },
  }) as unknown as Evaluation;

describe('preset time per slice', () => {
  it('counts network passes: L/k steps, twice with DDIM inversion', () => {
    expect(stepsPerSlice({ noiseLevel: 100, stride: 20, encoding: 'noise' })).toBe(5);
    expect(stepsPerSlice({ noiseLevel: 250, stride: 25, encoding: 'ddim' })).toBe(20);
    expect(stepsPerSlice({ noiseLevel: 500, stride: 5, encoding: 'ddim' })).toBe(200);
  });

  it('scales the newest measured time per slice by the steps', () => {
    // 2 s for 5 steps measured: 0.4 s a step; fast (20 steps) is 8 s.
    const measured = [evaluation('2026-01-01', 10), evaluation('2026-02-01', 2)];
    expect(
      estimateSecondsPerSlice({ noiseLevel: 250, stride: 25, encoding: 'ddim' }, measured),
    ).toBeCloseTo(8, 9);
    expect(
      estimateSecondsPerSlice({ noiseLevel: 250, stride: 25, encoding: 'ddim' }, []),
    ).toBeNull();
  });

  it('says the time in words', () => {
    expect(describeTimePerSlice(8)).toBe('about 8.0 s per slice');
    expect(describeTimePerSlice(80)).toBe('about 80 s per slice');
    expect(describeTimePerSlice(600)).toBe('about 10 min per slice');
    expect(describeTimePerSlice(null)).toContain('after a first evaluation');
  });
});
