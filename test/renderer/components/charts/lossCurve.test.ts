import { describe, expect, it } from 'vitest';
import {
  lossCurve,
  lossFromPhase,
  metricsOf,
} from '../../../../src-renderer/components/charts/lossCurve.ts';
import {
  aiVerdict,
  describeSettings,
  imageOperatingPoint,
} from '../../../../src-renderer/components/ai/aiVerdict.ts';
import type { Result } from '../../../../src-renderer/api/types.ts';
import { dequantise } from '../../../../src-renderer/components/viewer/quantisation.ts';

describe('training loss curve', () => {
  it('reads the loss stated in a progress phase', () => {
    expect(lossFromPhase('diffusion loss=0.0123')).toBeCloseTo(0.0123);
    expect(lossFromPhase('classifier loss: 1.5e-3')).toBeCloseTo(0.0015);
    expect(lossFromPhase('loading data')).toBeNull();
  });

  it("plots the engine's metrics when the progress event carries them", () => {
    const step = (done: number, metrics: Record<string, number>) => ({
      phase: 'train diffusion',
      done,
      total: 10,
      etaSeconds: 1,
      metrics,
    });
    expect(
      lossCurve([step(1, { step: 101, loss: 0.3 }), step(2, { step: 102, loss: 0.2 })]),
    ).toEqual([
      [101, 0.3],
      [102, 0.2],
    ]);
    expect(metricsOf({ metrics: { loss: 'high' } })).toBeUndefined();
    expect(metricsOf({})).toBeUndefined();
  });

  it('keeps one point per step, ordered by step', () => {
    const at = (done: number, phase: string) => ({ phase, done, total: 10, etaSeconds: null });
    expect(
      lossCurve([at(2, 'loss=0.5'), at(1, 'loss=0.9'), at(2, 'loss=0.4'), at(3, 'saving')]),
    ).toEqual([
      [1, 0.9],
      [2, 0.4],
    ]);
  });
});

describe('AI result helpers', () => {
  it('calls a result pathological when its score reaches the image operating point', () => {
    expect(aiVerdict(0.7, 0.5)).toBe('pathological');
    expect(aiVerdict(0.5, 0.5)).toBe('pathological');
    expect(aiVerdict(0.2, 0.5)).toBe('normal');
    expect(aiVerdict(0.2, null)).toBeNull();
  });

  it('never takes the overlay cut-off (a map value) for the image operating point', () => {
    // The bug: a healthy slice's top-1% score (0.31) above the pixel cut-off (0.2) read as
    // "pathological" on every case.
    const result = { score: 0.31, threshold: 0.2 } as Result;
    const run = { settings: { noiseLevel: 100, stride: 20, guidanceScale: 30, encoding: 'noise' } };
    expect(imageOperatingPoint(result, run, null)).toBeNull();
    expect(imageOperatingPoint(result, run, { threshold: 0.2 })).toBeNull();
    const preset = { ...run.settings, threshold: 0.2, imageScoreThreshold: 0.45 };
    expect(imageOperatingPoint(result, run, preset)).toBe(0.45);
    expect(aiVerdict(result.score, imageOperatingPoint(result, run, preset))).toBe('normal');
    // The preset's operating point holds for its own settings only.
    expect(
      imageOperatingPoint(result, { settings: { ...run.settings, stride: 5 } }, preset),
    ).toBeNull();
    // One stored with the run (or the result) comes first.
    const calibratedRun = { settings: { ...run.settings, imageScoreThreshold: 0.3 } };
    expect(imageOperatingPoint(result, calibratedRun, preset)).toBe(0.3);
  });

  it('describes a run by its L, k and s', () => {
    expect(
      describeSettings({ noiseLevel: 400, stride: 10, guidanceScale: 100, encoding: 'ddim' }),
    ).toBe('L=400 k=10 s=100 ddim');
  });

  it('turns 16-bit quantised maps back into values over the stored range', () => {
    const values = dequantise(Uint16Array.from([0, 65535, 32768]), { min: -2, max: 2 });
    expect(values[0]).toBeCloseTo(-2);
    expect(values[1]).toBeCloseTo(2);
    expect(values[2]).toBeCloseTo(0, 3);
  });
});
