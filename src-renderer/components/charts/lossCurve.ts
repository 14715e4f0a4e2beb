/**
 * The loss curve of a training job, read from its progress events. The engine reports
 * `metrics: { step, loss }` with each training step; until the contract's progress event
 * carries `metrics`, a loss stated in the phase text ("diffusion loss=0.0123") is read too.
 */
import type { Progress } from '../../api/types.ts';

/** A progress event as the renderer keeps it, with the engine's metrics when they came. */
export type ProgressStep = Progress & { metrics?: Record<string, number> };

const LOSS = /\bloss\s*[=:]\s*([-+]?\d*\.?\d+(?:e[-+]?\d+)?)/i;

export function lossFromPhase(phase: string): number | null {
  const match = LOSS.exec(phase);
  if (!match) return null;
  const value = Number(match[1]);
  return Number.isFinite(value) ? value : null;
}

/** The numeric metrics of a progress payload, if it has any (read defensively: not in the contract yet). */
export function metricsOf(payload: object): Record<string, number> | undefined {
  const metrics: unknown = (payload as { metrics?: unknown }).metrics;
  if (typeof metrics !== 'object' || metrics === null) return undefined;
  const numbers = Object.entries(metrics).filter(
    (entry): entry is [string, number] => typeof entry[1] === 'number',
  );
  return numbers.length > 0 ? Object.fromEntries(numbers) : undefined;
}

/** [step, loss] points, one per step (the latest event of a step wins), ordered by step. */
export function lossCurve(history: readonly ProgressStep[]): [number, number][] {
  const byStep = new Map<number, number>();
  for (const p of history) {
    const loss = p.metrics?.loss ?? lossFromPhase(p.phase);
    if (loss === null || loss === undefined || !Number.isFinite(loss)) continue;
    byStep.set(p.metrics?.step ?? p.done, loss);
  }
  return [...byStep].sort((a, b) => a[0] - b[0]);
}
