/**
 * Asks a short-lived engine process which TensorFlow.js backend it runs on, so the door never
 * loads TensorFlow.js itself. The answer is the same for the life of the app, so it is kept.
 */
import type { SpawnEngine } from './engine-process.ts';
import { ProbeAnswerSchema } from './protocol.ts';
import type { BackendReportMessage } from './protocol.ts';

export function createBackendProbe(spawnEngine: SpawnEngine): () => Promise<BackendReportMessage> {
  let answer: Promise<BackendReportMessage> | null = null;
  return () => {
    answer ??= probeOnce(spawnEngine).catch((error: unknown) => {
      answer = null; // a failed probe may succeed later (e.g. after ANOMAP_BACKEND is fixed)
      throw error;
    });
    return answer;
  };
}

function probeOnce(spawnEngine: SpawnEngine): Promise<BackendReportMessage> {
  return new Promise((resolve, reject) => {
    const engine = spawnEngine();
    let settled = false;
    engine.onMessage((raw) => {
      const parsed = ProbeAnswerSchema.safeParse(raw);
      if (!parsed.success || settled) return;
      settled = true;
      engine.kill();
      if (parsed.data.type === 'backend') resolve(parsed.data.report);
      else reject(new Error(parsed.data.message));
    });
    engine.onExit((exit) => {
      if (settled) return;
      settled = true;
      reject(
        new Error(
          `the engine process exited before it answered (${exit.code ?? exit.signal}): ${exit.stderrTail}`,
        ),
      );
    });
    engine.send({ type: 'probe' });
  });
}
