/**
 * The one orchestration of a reconstruction over many images, shared by the reconstruct job kind
 * (library studies, run by the app and browser mode) and the CLI's `reconstruct` (image files):
 * each image is preprocessed to the model's grid, the images are reconstructed in batches with
 * one guidance for all of them, one pace is reported over the whole, and each batch's results
 * go, with the transforms back to the images' geometry, to the caller to keep.
 */
import type {
  ChainFrame,
  Guidance,
  LoadedModels,
  ProgressTracker,
  ReconstructionSettings,
  Slice,
  SliceResult,
  SliceTransform,
} from '../engine/index.ts';
import { CancelledError } from '../engine/types.ts';

type Engine = typeof import('../engine/index.ts');

/** An image as read from a file or the library: intensities row by row. */
export interface GrayImage {
  pixels: Uint8Array | Uint16Array | Float32Array;
  width: number;
  height: number;
}

/** One batch of reconstructed images, in the order they were given. */
export interface ReconstructedBatch<T> {
  items: T[];
  /** The preprocessed slices (S x S, [-1, 1]) the engine reconstructed. */
  slices: Slice[];
  /** How each slice maps back to its image (engine.sliceToImage). */
  transforms: SliceTransform[];
  results: SliceResult[];
  /** The denoising chain of the batch's slices, when frames were asked for. */
  chain: ChainFrame[];
}

export interface ReconstructImagesOptions<T> {
  settings: ReconstructionSettings;
  guidance: Guidance;
  /** Images reconstructed, and handed to `keep`, together. */
  batchSize: number;
  /** Frames of the denoising chain kept per batch; 0 keeps none. */
  captureFrames?: number;
  /**
   * Called for an image that is blank (engine.BlankSliceError: nothing to normalise), which is
   * then left out and counted as done. Without it, a blank image fails the whole call.
   */
  skip?: (item: T, reason: string) => void;
}

/**
 * Reconstructs `items` in batches of `batchSize`: `read` gives each item's image, `keep` gets
 * each batch once reconstructed. `progress` advances by one per image; cancelled between steps.
 */
export async function reconstructImages<T>(
  engine: Engine,
  models: LoadedModels,
  items: T[],
  read: (item: T) => Promise<GrayImage>,
  options: ReconstructImagesOptions<T>,
  control: { signal?: AbortSignal; progress: ProgressTracker },
  keep: (batch: ReconstructedBatch<T>) => Promise<void>,
): Promise<void> {
  const size = models.diffusion.config.imageSize;
  for (let start = 0; start < items.length; start += options.batchSize) {
    if (control.signal?.aborted) throw new CancelledError('reconstruction');
    const batch: T[] = [];
    const prepared: ReturnType<Engine['preprocessSlice']>[] = [];
    for (const item of items.slice(start, start + options.batchSize)) {
      const image = await read(item);
      try {
        prepared.push(engine.preprocessSlice(image.pixels, image.width, image.height, size));
        batch.push(item);
      } catch (error) {
        if (!options.skip || !(error instanceof engine.BlankSliceError)) throw error;
        options.skip(item, error.message);
        control.progress.step(1);
      }
    }
    if (batch.length === 0) continue;
    const slices = prepared.map((slice) => ({ size, pixels: slice.pixels }));
    let reported = 0;
    const output = await engine.reconstruct(
      models,
      slices,
      {
        settings: options.settings,
        guidance: options.guidance,
        batchSize: options.batchSize,
        captureFrames: options.captureFrames ?? 0,
      },
      {
        signal: control.signal,
        onProgress: (progress) => {
          const images = (progress.done / Math.max(progress.total, 1)) * batch.length;
          control.progress.step(images - reported);
          reported = images;
        },
      },
    );
    await keep({
      items: batch,
      slices,
      transforms: prepared.map((slice) => slice.transform),
      results: output.results,
      chain: output.chain,
    });
  }
}

/**
 * The classifier's p(pathological | x_0, t = 0) of a batch's slices: taken from the results
 * where the image score already is it (imageScore 'classifier'), else computed once here.
 */
export function classifierProbabilities(
  engine: Engine,
  classifier: NonNullable<LoadedModels['classifier']>,
  slices: Slice[],
  results: SliceResult[],
): Float32Array {
  const carried = results.map((result) => result.classifierProbability);
  if (carried.length === slices.length && carried.every((p) => p !== undefined))
    return Float32Array.from(carried);
  return engine.pathologicalProbability(classifier, slices, 0);
}
