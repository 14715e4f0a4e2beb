/**
 * The loss curve of a training job, read from its progress events. The contract's progress
 * has no metrics field, so the training job states its loss in the phase text
 * (e.g. "diffusion loss=0.0123"); every event that names one adds a point at its step.
 */
import type { Progress } from '../../api/types.ts';

const LOSS = /\bloss\s*[=:]\s*([-+]?\d*\.?\d+(?:e[-+]?\d+)?)/i;

export function lossFromPhase(phase: string): number | null {
  const match = LOSS.exec(phase);
  if (!match) return null;
  const value = Number(match[1]);
  return Number.isFinite(value) ? value : null;
}

/** [step, loss] points, one per step (the latest event of a step wins). */
export function lossCurve(history: readonly Progress[]): [number, number][] {
  const byStep = new Map<number, number>();
  for (const p of history) {
    const loss = lossFromPhase(p.phase);
    if (loss !== null) byStep.set(p.done, loss);
  }
  return [...byStep].sort((a, b) => a[0] - b[0]);
}
