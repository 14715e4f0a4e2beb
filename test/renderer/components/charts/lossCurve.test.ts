import { describe, expect, it } from 'vitest';
import {
  lossCurve,
  lossFromPhase,
  metricsOf,
} from '../../../../src-renderer/components/charts/lossCurve.ts';
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

describe('16-bit maps', () => {
  it('turns 16-bit quantised maps back into values over the stored range', () => {
    const values = dequantise(Uint16Array.from([0, 65535, 32768]), { min: -2, max: 2 });
    expect(values[0]).toBeCloseTo(-2);
    expect(values[1]).toBeCloseTo(2);
    expect(values[2]).toBeCloseTo(0, 3);
  });
});
