/** Which of the engine's jobs sent a Review case's results (one run, one study) to a PACS. */
import type { Job } from '../../api/types.ts';

export function sendsCase(job: Job, runId: number, studyId: number): boolean {
  return (
    job.spec.kind === 'pacs-send' &&
    job.spec.runId === runId &&
    job.spec.studyIds?.includes(studyId) === true
  );
}

/**
 * The case's newest send that ran or runs (a cancelled one said nothing about the PACS), or
 * null when the case was never sent.
 */
export function lastSendOfCase(jobs: readonly Job[], runId: number, studyId: number): Job | null {
  const sends = jobs.filter((job) => job.status !== 'cancelled' && sendsCase(job, runId, studyId));
  return sends.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0] ?? null;
}
