/**
 * Shapes shared by the engine's parts and the layers above it (jobs, api, CLI).
 * Plain data only: no tensors cross this border.
 */

/** One preprocessed slice: S x S intensities in [-1, 1], row-major. */
export interface Slice {
  size: number;
  pixels: Float32Array;
}

/** How a slice is encoded into noise before the guided decoding (ALGORITHM.md). */
export type Encoding = 'ddim' | 'noise';

/** The settings that change a reconstruction; stored with every result. */
export interface ReconstructionSettings {
  /** L: the timestep the slice is encoded to. */
  noiseLevel: number;
  /** k: the DDIM stride. */
  stride: number;
  /** s: the classifier guidance scale; 0 is the unguided ablation. */
  guidanceScale: number;
  /** 'ddim': deterministic DDIM inversion; 'noise': x_L = q_sample(x_0, L). */
  encoding: Encoding;
  /** Seed for the 'noise' encoding, so a result can be reproduced. */
  seed?: number;
}

export interface Progress {
  phase: string;
  done: number;
  total: number;
  /** Seconds left, estimated from the pace so far; null before the first step. */
  etaSeconds: number | null;
  /** Figures of the latest step worth showing live, e.g. { loss: 0.031 } while training. */
  metrics?: Record<string, number>;
}

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
