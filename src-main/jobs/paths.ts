/**
 * Where jobs keep what is theirs inside a library folder.
 */
import { join } from 'node:path';

/** The job list, kept across restarts. */
export function jobStateFile(libraryDir: string): string {
  return join(libraryDir, 'jobs.json');
}

/** Training checkpoints, so an interrupted training resumes. */
export function checkpointsDir(libraryDir: string): string {
  return join(libraryDir, 'checkpoints');
}

/** The evaluation of a run, written by the evaluate job and read by the api. */
export function evaluationFile(libraryDir: string, runId: number): string {
  return join(libraryDir, 'evaluations', `run-${runId}.json`);
}
