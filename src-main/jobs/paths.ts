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

/** Evaluations, one JSON file per evaluate job, named by the job's id. */
export function evaluationsDir(libraryDir: string): string {
  return join(libraryDir, 'evaluations');
}

export function evaluationFile(libraryDir: string, evaluationId: string): string {
  return join(evaluationsDir(libraryDir), `${evaluationId}.json`);
}

/** Models trained in the app (the shipped ones stay untouched). */
export function trainedModelsDir(libraryDir: string): string {
  return join(libraryDir, 'trained-models');
}

/** Datasets written from the library's labels for training and evaluation jobs. */
export function datasetsDir(libraryDir: string): string {
  return join(libraryDir, 'datasets');
}
