/**
 * Shapes shared by the engine's parts and the layers above it (jobs, api, CLI).
 * Plain data only: no tensors cross this border.
 */

/** One preprocessed slice: S x S intensities in [-1, 1], row-major. */
export interface Slice {
  size: number;
  pixels: Float32Array;
}

/**
 * The settings that change a reconstruction and the progress every long job reports are
 * contract shapes (zod schemas, types derived there): the engine uses them, never redefines them.
 */
export type {
  Encoding,
  ImageScoreSource,
  MapMethod,
  MapNormalisation,
  Progress,
  ReconstructionSettings,
  Residual,
} from '../contract/index.ts';
import type { Progress } from '../contract/index.ts';

/** Passed to every long engine operation: report progress, stop between steps when aborted. */
export interface JobControl {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** Raised when a job is cancelled through its AbortSignal; nothing half-done is returned. */
export class CancelledError extends Error {
  constructor(what = 'job') {
    super(`${what} was cancelled`);
    this.name = 'CancelledError';
  }
}
