/**
 * How many threads the engine's backend computes with. By default TensorFlow's C library (and
 * wasm) use every core of the machine; a task of a cluster job has only the cores the scheduler
 * gave it (SLURM_CPUS_PER_TASK, a pod's CPU limit), and four tasks on one node each using all of
 * its cores slow each other down. Call before initBackend: the C library reads its thread
 * counts once, when it starts.
 */
import { availableParallelism } from 'node:os';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

export function limitThreads(threads: number): void {
  if (!Number.isSafeInteger(threads) || threads < 1)
    throw new Error(`threads must be a positive integer, got ${threads}`);
  // TensorFlow's intra-op pool computes one op across cores; its inter-op pool runs ops side by
  // side, which eager execution (tfjs-node) hardly does. Guidance processes inherit both.
  process.env.TF_NUM_INTRAOP_THREADS = String(threads);
  process.env.TF_NUM_INTEROP_THREADS = String(threads);
  process.env.OMP_NUM_THREADS = String(threads);
  setThreadsCount(threads);
}

/** The native backend's threads: the limit set for it, else every core. */
export function nativeThreads(): number {
  const limit = Number(process.env.TF_NUM_INTRAOP_THREADS);
  return Number.isSafeInteger(limit) && limit > 0 ? limit : availableParallelism();
}
