/**
 * Keeps the job list on disk, so queued jobs survive a restart and interrupted training
 * resumes. Written whole and renamed into place, so a crash never leaves half a file.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { JobSchema } from '../contract/index.ts';
import type { Job } from '../contract/index.ts';

/** Finished jobs kept in the history; older ones are dropped. */
const HISTORY_LIMIT = 200;
const StoredJobsSchema = z.object({ version: z.literal(1), jobs: z.array(JobSchema) });

export function loadJobs(file: string): Job[] {
  if (!existsSync(file)) return [];
  try {
    return StoredJobsSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).jobs;
  } catch (error) {
    // A damaged job list must not stop the app; the library itself is untouched.
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`jobs: ignoring unreadable ${file}: ${reason}\n`);
    return [];
  }
}

export function saveJobs(file: string, jobs: readonly Job[]): void {
  const active = jobs.filter((job) => job.status === 'queued' || job.status === 'running');
  const done = jobs.filter((job) => job.status !== 'queued' && job.status !== 'running');
  const kept = [...done.slice(-HISTORY_LIMIT), ...active];
  const ordered = jobs.filter((job) => kept.includes(job));
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ version: 1, jobs: ordered }));
  renameSync(temporary, file);
}

/**
 * After a restart: a job that was running was interrupted. Training is queued again (it
 * resumes from its last checkpoint); other interrupted jobs stay interrupted.
 */
export function recoverJobs(jobs: readonly Job[]): Job[] {
  return jobs.map((job) => {
    const interrupted = job.status === 'running' || job.status === 'interrupted';
    if (!interrupted) return job;
    if (job.kind === 'train' && job.spec.kind === 'train') {
      return { ...job, status: 'queued', spec: { ...job.spec, resume: true }, progress: null };
    }
    return {
      ...job,
      status: 'interrupted',
      finishedAt: job.finishedAt ?? new Date().toISOString(),
    };
  });
}
