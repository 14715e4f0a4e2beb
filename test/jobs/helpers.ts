import type { EventName, EventOf, Job } from '../../src-main/contract/index.ts';
import type {
  EngineExit,
  EngineProcess,
  SpawnEngine,
  ToEngine,
} from '../../src-main/jobs/index.ts';
import type { JobRunner } from '../../src-main/jobs/index.ts';

export const context = {
  libraryDir: '/nonexistent/library',
  modelsDir: '/nonexistent/models',
  checkpointsDir: '/nonexistent/ckpt',
};

/** Resolves with the first event for which `match` holds. */
export function nextEvent<E extends EventName>(
  runner: JobRunner,
  event: E,
  match: (payload: EventOf<E>) => boolean = () => true,
): Promise<EventOf<E>> {
  return new Promise((resolve) => {
    const off = runner.on(event, (payload) => {
      if (!match(payload)) return;
      off();
      resolve(payload);
    });
  });
}

/** Resolves when the job reaches an end (finished, failed, cancelled). */
export function jobEnd(runner: JobRunner, jobId: string): Promise<Job> {
  return new Promise((resolve) => {
    const offs = (['job.finished', 'job.failed', 'job.cancelled'] as const).map((event) =>
      runner.on(event, ({ job }) => {
        if (job.id !== jobId) return;
        for (const off of offs) off();
        resolve(job);
      }),
    );
  });
}

/** An engine process that lives in this test: it records what it is sent and answers on demand. */
export class FakeEngine implements EngineProcess {
  readonly sent: ToEngine[] = [];
  killed = false;
  private messageListeners: Array<(message: unknown) => void> = [];
  private exitListeners: Array<(exit: EngineExit) => void> = [];

  send(message: ToEngine): void {
    this.sent.push(message);
  }
  onMessage(listener: (message: unknown) => void): void {
    this.messageListeners.push(listener);
  }
  onExit(listener: (exit: EngineExit) => void): void {
    this.exitListeners.push(listener);
  }
  kill(): void {
    if (this.killed) return;
    this.killed = true;
    this.exit({ code: null, signal: 'SIGKILL', stderrTail: '' });
  }
  reply(message: unknown): void {
    for (const listener of this.messageListeners) listener(message);
  }
  exit(exit: EngineExit): void {
    for (const listener of this.exitListeners) listener(exit);
  }
  get jobId(): string {
    const run = this.sent.find((message) => message.type === 'run');
    if (!run || run.type !== 'run') throw new Error('no job was sent to this engine');
    return run.jobId;
  }
}

export function fakeSpawner(): { spawn: SpawnEngine; engines: FakeEngine[] } {
  const engines: FakeEngine[] = [];
  return {
    engines,
    spawn: () => {
      const engine = new FakeEngine();
      engines.push(engine);
      return engine;
    },
  };
}
