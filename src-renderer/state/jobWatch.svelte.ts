/**
 * Follows one long job through the api's events: progress with ETA, and how it ended.
 * Used by Library (import), Run (reconstruct), Train and Evaluate.
 */
import type { ApiClient, Job, JobKind, Progress } from '../api/types.ts';
import { metricsOf, type ProgressStep } from '../components/charts/lossCurve.ts';
import { userMessage } from '../components/common/userMessage.ts';
import { isActive } from './jobTray.svelte.ts';

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

/**
 * `kind`: the view's kind of job. A view opened while one of that kind runs (started from this
 * view before leaving it, or before a reload) follows it again, so its button stays disabled
 * and its progress shows.
 */
export function createJobWatch(
  api: ApiClient,
  onEnd?: (job: Job) => void,
  kind?: JobKind,
): JobWatch {
  let job = $state<Job | null>(null);
  let progress = $state<Progress | null>(null);
  let error = $state<string | null>(null);
  let history = $state<ProgressStep[]>([]);
  const running = $derived(job !== null && isActive(job));

  const ended = (next: Job) => {
    if (next.id !== job?.id) return;
    job = next;
    if (next.error) error = userMessage(next.error);
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
      if (next.id === job?.id) error = userMessage(message);
      ended(next);
    }),
  ];

  if (kind) {
    api.listJobs({}).then(
      (jobs) => {
        const active = jobs.filter((j) => j.kind === kind && isActive(j));
        const newest = active.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
        if (newest && job === null) {
          job = newest;
          progress = newest.progress;
        }
      },
      () => undefined,
    );
  }

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
        error = userMessage(e);
        return null;
      }
    },
    follow(existing) {
      job = existing;
      progress = existing.progress;
      error = existing.error === null ? null : userMessage(existing.error);
    },
    async cancel() {
      if (!job) return;
      try {
        job = await api.cancelJob({ jobId: job.id });
      } catch (e) {
        error = userMessage(e);
      }
    },
    dispose() {
      for (const off of unsubscribe) off();
    },
  };
}
