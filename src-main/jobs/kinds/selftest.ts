/**
 * The diagnostic job: counts to `steps` with progress, and can fail or crash on purpose, so
 * the job process, the queue and the doors can be checked without trained models.
 */
import { CancelledError } from '../../engine/types.ts';
import type { SelftestJobSpec, SelftestResult } from '../../contract/index.ts';
import type { JobKindRunner } from './types.ts';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

export const runSelftest: JobKindRunner<SelftestJobSpec> = async ({ spec, control }) => {
  const started = Date.now();
  for (let step = 0; step < spec.steps; step++) {
    if (control.signal.aborted) throw new CancelledError('selftest');
    if (step === spec.failAt) throw new Error(`selftest failed on purpose at step ${step}`);
    // Dies the way a native crash in the engine would: no message, no cleanup.
    if (step === spec.crashAt) process.exit(70);
    await sleep(spec.stepMs, control.signal);
    const done = step + 1;
    const perStep = (Date.now() - started) / 1000 / done;
    control.onProgress?.({
      phase: 'counting',
      done,
      total: spec.steps,
      etaSeconds: perStep * (spec.steps - done),
    });
  }
  if (control.signal.aborted) throw new CancelledError('selftest');
  const result: SelftestResult = { counted: spec.steps };
  return result;
};
