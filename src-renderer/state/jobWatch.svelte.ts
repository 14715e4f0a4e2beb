/**
 * Follows one long job through the api's events: progress with ETA, and how it ended.
 * Used by Library (import), Run (reconstruct), Train and Evaluate.
 */
import type { ApiClient, Job, Progress } from '../api/types.ts';
import { metricsOf, type ProgressStep } from '../components/charts/lossCurve.ts';

type Spec = Parameters<ApiClient['startJob']>[0]['spec'];

export interface JobWatch {
  readonly job: Job | null;
  readonly progress: Progress | null;
  readonly error: string | null;
  readonly running: boolean;
  /** Phases seen so far with their latest message, e.g. a training loss. */
  readonly history: readonly ProgressStep[];
  start(spec: Spec): Promise<Job | null>;
  follow(job: Job): void;
  cancel(): Promise<void>;
  dispose(): void;
}

export function createJobWatch(api: ApiClient, onEnd?: (job: Job) => void): JobWatch {
  let job = $state<Job | null>(null);
  let progress = $state<Progress | null>(null);
  let error = $state<string | null>(null);
  let history = $state<ProgressStep[]>([]);
  const running = $derived(job !== null && (job.status === 'queued' || job.status === 'running'));

  const ended = (next: Job) => {
    if (next.id !== job?.id) return;
    job = next;
    if (next.error) error = next.error;
    onEnd?.(next);
  };
  const unsubscribe = [
    api.on('job.progress', (p) => {
      if (p.jobId !== job?.id) return;
      const metrics = metricsOf(p);
      const step: ProgressStep = {
        phase: p.phase,
        done: p.done,
        total: p.total,
        etaSeconds: p.etaSeconds,
        ...(metrics && { metrics }),
      };
      progress = step;
      history = [...history.slice(-4999), step];
      if (job.status === 'queued') job = { ...job, status: 'running' };
    }),
    api.on('job.started', ({ job: next }) => {
      if (next.id === job?.id) job = next;
    }),
    api.on('job.finished', ({ job: next }) => ended(next)),
    api.on('job.cancelled', ({ job: next }) => ended(next)),
    api.on('job.failed', ({ job: next, error: message }) => {
      if (next.id === job?.id) error = message;
      ended(next);
    }),
  ];

  return {
    get job() {
      return job;
    },
    get progress() {
      return progress;
    },
    get error() {
      return error;
    },
    get running() {
      return running;
    },
    get history() {
      return history;
    },
    async start(spec) {
      error = null;
      progress = null;
      history = [];
      try {
        job = await api.startJob({ spec });
        return job;
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        return null;
      }
    },
    follow(existing) {
      job = existing;
      progress = existing.progress;
      error = existing.error;
    },
    async cancel() {
      if (!job) return;
      try {
        job = await api.cancelJob({ jobId: job.id });
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    },
    dispose() {
      for (const off of unsubscribe) off();
    },
  };
}

/** "2 min 05 s" style, for ETAs. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '…';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
