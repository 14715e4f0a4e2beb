import { CancelledError, type JobControl } from './types.ts';

/** Reports {phase, done, total, etaSeconds} from the pace so far and checks for cancellation. */
export class ProgressTracker {
  private readonly started = performance.now();
  private done = 0;

  constructor(
    private readonly control: JobControl,
    /** What is being done now; a job of several phases may change it as it goes. */
    public phase: string,
    private readonly total: number,
    private readonly what = phase,
  ) {}

  /** Throws CancelledError if the job was aborted; yields to the event loop so aborts arrive. */
  async checkpoint(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.control.signal?.aborted) throw new CancelledError(this.what);
  }

  step(count = 1, metrics?: Record<string, number>): void {
    this.done += count;
    const elapsed = (performance.now() - this.started) / 1000;
    const etaSeconds = this.done > 0 ? (elapsed / this.done) * (this.total - this.done) : null;
    this.control.onProgress?.({
      phase: this.phase,
      done: this.done,
      total: this.total,
      etaSeconds,
      ...(metrics && { metrics }),
    });
  }
}
