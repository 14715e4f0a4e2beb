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
  /** How the map is made; 'reconstruction' (the default), AutoDDPM's 'stitch' or 'patches'. */
  mapMethod?: MapMethod;
  /** 'patches': side of the square patches (pixels) re-synthesised one at a time; default 16. */
  patchSize?: number;
  /** The residual between input and reconstruction; 'l1' by default. */
  residual?: Residual;
  /** 'noise' encoding: residuals averaged over this many draws (seeds seed, seed + 1, ...); 1. */
  noiseDraws?: number;
  /** 'stitch': the timestep the stitched slice is re-noised to; default the noise level L. */
  resampleLevel?: number;
  /** 'stitch': dilation (pixels) of the coarse mask; default 2. */
  maskDilation?: number;
  /** 'stitch': map value above which the first map marks the coarse mask (map units). */
  maskThreshold?: number;
  /** The image score: 'map' (mean of the top map values, default) or the classifier's p(x_0). */
  imageScore?: ImageScoreSource;
}

/**
 * 'reconstruction': the residual of the guided reconstruction (ALGORITHM.md). 'stitch': AutoDDPM's
 * mask, stitch and re-sample (Bercea et al. 2023), seeded by the reconstruction's map.
 * 'patches': patch-wise noising as pDDPM does (Behrendt et al. 2023): each patch is noised to L
 * and re-synthesised with the rest of the slice as context, one patch at a time.
 */
export type MapMethod = 'reconstruction' | 'stitch' | 'patches';

/** 'l1': |x - x_hat|; 'l1-ssim': |x - x_hat| (1 - local SSIM). Both on intensities in [-1, 1]. */
export type Residual = 'l1' | 'l1-ssim';

/** 'map': mean of the top map values in the brain; 'classifier': p(pathological | x_0, t = 0). */
export type ImageScoreSource = 'map' | 'classifier';

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
