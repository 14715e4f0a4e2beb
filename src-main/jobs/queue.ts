/**
 * Which queued job runs next: higher priority first, then first come first served. Imports
 * go through their own lane, so a person can import while a model trains.
 */
import type { Job, JobKind, JobPriority } from '../contract/index.ts';

export type Lane = 'io' | 'compute';

const PRIORITY_RANK: Record<JobPriority, number> = { high: 0, normal: 1, low: 2 };

/** Imports and the PACS jobs (network and files, no model) share the io lane. */
export function laneOf(kind: JobKind): Lane {
  return kind === 'import' || kind === 'pacs-pull' || kind === 'pacs-send' ? 'io' : 'compute';
}

/** The next queued job of a lane, or undefined. `jobs` is in order of arrival. */
export function nextJob(jobs: readonly Job[], lane: Lane): Job | undefined {
  let best: Job | undefined;
  for (const job of jobs) {
    if (job.status !== 'queued' || laneOf(job.kind) !== lane) continue;
    if (!best || PRIORITY_RANK[job.priority] < PRIORITY_RANK[best.priority]) best = job;
  }
  return best;
}
