/**
 * Every job of the engine in one place, for the tray that every view shows: the running ones
 * (asked of the server on load, so they survive a reload) and the ones that ended while the app
 * was open, until the reader dismisses them.
 */
import type { ApiClient, Job, JobKind, Progress } from '../api/types.ts';
import { userMessage } from '../components/common/userMessage.ts';

export interface TrayEntry {
  job: Job;
  progress: Progress | null;
  error: string | null;
}

export interface JobTray {
  readonly entries: readonly TrayEntry[];
  /** True while a job of this kind is queued or running. */
  busy(kind: JobKind): boolean;
  cancel(jobId: string): Promise<void>;
  dismiss(jobId: string): void;
  dispose(): void;
}

export const isActive = (job: Job): boolean => job.status === 'queued' || job.status === 'running';

/** Ended entries kept in the tray at most; older ones drop off. */
const KEEP_ENDED = 4;

/**
 * An import that finished without importing anything because every path failed: the job ran
 * to its end, but for the reader it failed, and the tray says so.
 */
export function importFailedWhole(job: Job): string | null {
  if (job.kind !== 'import' || job.status !== 'finished') return null;
  const summary = job.result as {
    imported?: unknown;
    duplicates?: unknown;
    failed?: unknown;
  } | null;
  const failed = Array.isArray(summary?.failed) ? summary.failed.length : 0;
  if (summary?.imported !== 0 || summary.duplicates !== 0 || failed === 0) return null;
  return failed === 1
    ? 'Nothing imported: the path could not be read.'
    : `Nothing imported: none of the ${failed} paths could be read.`;
}

/** Finished well (or cancelled by the reader): leaves the tray by itself after a moment. */
function leavesByItself(job: Job): boolean {
  return (
    (job.status === 'finished' && importFailedWhole(job) === null) || job.status === 'cancelled'
  );
}

export function createJobTray(
  api: ApiClient,
  { leaveAfterMs = 6000 }: { leaveAfterMs?: number } = {},
): JobTray {
  let entries = $state<TrayEntry[]>([]);
  // Bookkeeping of pending timers, never rendered: a plain Set on purpose.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  const timers = new Set<ReturnType<typeof setTimeout>>();

  // A finished job stays a moment (to open its result), then leaves; a failure stays until
  // dismissed, so it is read.
  function leaveLater(jobId: string) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      entries = entries.filter((e) => e.job.id !== jobId || isActive(e.job));
    }, leaveAfterMs);
    timers.add(timer);
  }

  function ended(job: Job, patch: Partial<TrayEntry> = {}) {
    const whole = importFailedWhole(job);
    upsert(job, whole ? { ...patch, error: whole } : patch);
    if (leavesByItself(job)) leaveLater(job.id);
  }

  function upsert(job: Job, patch: Partial<TrayEntry> = {}) {
    const at = entries.findIndex((e) => e.job.id === job.id);
    const before = at >= 0 ? entries[at] : { job, progress: job.progress, error: null };
    const next: TrayEntry = { ...before, job, ...patch };
    const rest = entries.filter((e) => e.job.id !== job.id);
    const active = [...rest, next].filter((e) => isActive(e.job));
    const ended = [...rest, next].filter((e) => !isActive(e.job)).slice(-KEEP_ENDED);
    entries = [...active, ...ended].sort((a, b) => a.job.createdAt.localeCompare(b.job.createdAt));
  }

  const unsubscribe = [
    api.on('job.queued', ({ job }) => upsert(job)),
    api.on('job.started', ({ job }) => upsert(job)),
    api.on('job.progress', (p) => {
      const entry = entries.find((e) => e.job.id === p.jobId);
      if (!entry) return;
      const progress = { phase: p.phase, done: p.done, total: p.total, etaSeconds: p.etaSeconds };
      const job =
        entry.job.status === 'queued' ? { ...entry.job, status: 'running' as const } : entry.job;
      upsert(job, { progress });
    }),
    api.on('job.finished', ({ job }) => ended(job)),
    api.on('job.cancelled', ({ job }) => ended(job)),
    api.on('job.failed', ({ job, error }) => upsert(job, { error: userMessage(error) })),
  ];

  // After a reload the events of jobs already running are missed: ask the server for them.
  api.listJobs({}).then(
    (jobs) => {
      for (const job of jobs.filter(isActive)) {
        if (!entries.some((e) => e.job.id === job.id)) upsert(job);
      }
    },
    () => undefined,
  );

  return {
    get entries() {
      return entries;
    },
    busy(kind) {
      return entries.some((e) => e.job.kind === kind && isActive(e.job));
    },
    async cancel(jobId) {
      try {
        ended(await api.cancelJob({ jobId }));
      } catch (e) {
        const entry = entries.find((x) => x.job.id === jobId);
        if (entry) upsert(entry.job, { error: userMessage(e) });
      }
    },
    dismiss(jobId) {
      entries = entries.filter((e) => e.job.id !== jobId);
    },
    dispose() {
      for (const off of unsubscribe) off();
      for (const timer of timers) clearTimeout(timer);
    },
  };
}
