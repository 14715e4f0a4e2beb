/**
 * Entry of the engine process: runs one job at a time as the runner asks, reports progress,
 * and honours cancel between steps. Started by `forkEngine` or Electron's `utilityProcess`.
 */
import { CancelledError } from '../engine/types.ts';
import type { Progress } from '../contract/index.ts';
import { connectParentPort } from './parent-port.ts';
import { ToEngineSchema } from './protocol.ts';
import type { ProbeAnswer } from './protocol.ts';
import { runJobKind } from './kinds/index.ts';

/** Progress is sent at most this often (the last step always goes through). */
const PROGRESS_INTERVAL_MS = 100;

const port = connectParentPort();

async function probeBackend(): Promise<ProbeAnswer> {
  try {
    const { initBackend } = await import('../engine/index.ts');
    return { type: 'backend', report: await initBackend() };
  } catch (error) {
    return {
      type: 'probe-failed',
      message: error instanceof Error ? error.message : String(error),
    };
  }
}
const running = new Map<string, AbortController>();

function progressReporter(jobId: string): (progress: Progress) => void {
  let lastSent = 0;
  return (progress) => {
    const now = Date.now();
    if (now - lastSent < PROGRESS_INTERVAL_MS && progress.done < progress.total) return;
    lastSent = now;
    port.post({ type: 'progress', jobId, progress });
  };
}

port.onMessage(async (raw) => {
  const parsed = ToEngineSchema.safeParse(raw);
  if (!parsed.success) {
    process.stderr.write(`engine: ignored a malformed message: ${parsed.error.message}\n`);
    return;
  }
  const message = parsed.data;
  if (message.type === 'cancel') {
    running.get(message.jobId)?.abort();
    return;
  }
  if (message.type === 'probe') {
    port.post(await probeBackend());
    return;
  }
  const { jobId, spec, context, diagnostics, connection } = message;
  const abort = new AbortController();
  running.set(jobId, abort);
  try {
    const result = await runJobKind({
      jobId,
      spec,
      context,
      diagnostics,
      connection,
      control: { signal: abort.signal, onProgress: progressReporter(jobId) },
      libraryChanged: (reason, studyIds) =>
        port.post({ type: 'library-changed', jobId, reason, studyIds }),
    });
    port.post({ type: 'done', jobId, result });
  } catch (error) {
    const cancelled = error instanceof CancelledError || abort.signal.aborted;
    const text = error instanceof Error ? error.message : String(error);
    port.post({ type: 'error', jobId, message: text, cancelled });
  } finally {
    running.delete(jobId);
  }
});
