/**
 * The words under a progress bar: whole numbers ("1 / 124 · 0 %"), and an ETA only while the
 * job runs, so a failed or cancelled job never shows "0 / 0 · ETA".
 */
import type { Progress } from '../../api/types.ts';

/** "2 min 05 s" style, for ETAs. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '…';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Share done, 0..1; 0 when nothing is known yet. */
export function progressFraction(progress: Progress | null): number {
  if (!progress || !(progress.total > 0)) return 0;
  return Math.max(0, Math.min(1, progress.done / progress.total));
}

/** Whole percent, never 100 before the end (floor). */
export function progressPercent(progress: Progress | null): number {
  return Math.floor(progressFraction(progress) * 100);
}

const statusWords: Record<string, string> = {
  queued: 'waiting to start',
  running: 'starting…',
  finished: 'finished',
  failed: 'failed',
  cancelled: 'cancelled',
  interrupted: 'interrupted (Anomap was closed)',
};

/** The line under the bar for a job in `status` with its latest progress. */
export function progressText(progress: Progress | null, status: string): string {
  const running = status === 'running' || status === 'queued' || status === '';
  if (!running || !progress || !(progress.total > 0)) return statusWords[status] ?? status;
  const done = Math.floor(progress.done);
  const total = Math.round(progress.total);
  const eta =
    progress.etaSeconds === null ? '' : ` · about ${formatDuration(progress.etaSeconds)} left`;
  return `${progress.phase}: ${done} / ${total} · ${progressPercent(progress)} %${eta}`;
}
