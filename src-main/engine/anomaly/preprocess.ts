import { intensityLevels } from './intensityLevels.ts';
import { sortedCopy, sortedQuantile } from './quantile.ts';
import { areaTaps, linearTaps, resampleGrid } from './resample.ts';

/**
 * The one preprocessing of ALGORITHM.md, used identically at training and inference time (the
 * earlier re-implementation padded at training but not at test time and squashed its images):
 * pad to a centred square with background fill, resize to S x S, scale to [-1, 1] with a robust
 * intensity normalisation so IXI and fastMRI slices look alike.
 */

/**
 * The name of this preprocessing, recorded in every model's manifest: a model trained on another
 * is refused (models.ts). Change the name whenever the code below changes what a slice becomes.
 */
export const PREPROCESSING = {
  method: 'pad-square-antialiased-linear-background-median-p99.5-v2',
  imageSize: 64,
} as const;

export interface PreprocessOptions {
  /**
   * Intensity that maps to +1. Default: the `highPercentile` of the tissue pixels (above the
   * image's Otsu threshold), which ignores a few hot pixels and any scanner's absolute scale.
   */
  maxValue?: number;
  /** Percentile of the tissue pixels that maps to +1 when maxValue is not given; default 0.995. */
  highPercentile?: number;
  /**
   * Intensity that maps to -1 (and fills the padding). Default: the background level, the median
   * of the pixels below Otsu's threshold, so both sources' air lands on -1.
   */
  minValue?: number;
}

/** Where a slice came from: plain data, stored with results so maps can be mapped back. */
export interface SliceTransform {
  /** The original image's size. */
  width: number;
  height: number;
  /** Side of the padded square, max(width, height). */
  side: number;
  /** Where the original image sits inside the padded square. */
  offsetX: number;
  offsetY: number;
  /** S: the slice is size x size. */
  size: number;
  /** Intensities mapped to -1 and +1 (and the padding's fill value, `low`). */
  low: number;
  high: number;
}

export interface PreprocessedSlice {
  pixels: Float32Array;
  transform: SliceTransform;
}

function checkImage(pixels: ArrayLike<number>, width: number, height: number, name: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(
      `${name}: width and height must be positive integers, got ${width} x ${height}`,
    );
  }
  if (pixels.length !== width * height) {
    throw new RangeError(`${name} has ${pixels.length} values, expected ${width} x ${height}`);
  }
}

/**
 * A slice with no intensity range to normalise (blank, or one grey level): it holds nothing to
 * reconstruct or learn from, so a job skips it, with this reason, and goes on.
 */
export class BlankSliceError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'BlankSliceError';
  }
}

/** The intensity levels that map to -1 and +1. */
function intensityRange(pixels: ArrayLike<number>, options: PreprocessOptions) {
  const { background, tissue } = intensityLevels(sortedCopy(pixels));
  const low = options.minValue ?? background;
  const high = options.maxValue ?? sortedQuantile(tissue, options.highPercentile ?? 0.995);
  if (!(high > low)) {
    throw new BlankSliceError(
      `cannot normalise the slice: its bright level (${high}) is not above its background (${low}); is the image blank?`,
    );
  }
  return { low, high };
}

/** Pads to a centred square, resizes to size x size and scales intensities to [-1, 1]. */
export function preprocessSlice(
  pixels: Uint8Array | Uint16Array | Float32Array,
  width: number,
  height: number,
  size: number,
  options: PreprocessOptions = {},
): PreprocessedSlice {
  checkImage(pixels, width, height, 'image');
  if (!Number.isInteger(size) || size <= 0)
    throw new RangeError(`size must be a positive integer, got ${size}`);
  const { low, high } = intensityRange(pixels, options);
  const side = Math.max(width, height);
  const offsetX = Math.floor((side - width) / 2);
  const offsetY = Math.floor((side - height) / 2);
  const square = new Float64Array(side * side).fill(low);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++)
      square[(y + offsetY) * side + x + offsetX] = pixels[y * width + x];
  }
  const taps = linearTaps(side, size);
  const resized = resampleGrid(square, side, side, taps, taps);
  const slice = new Float32Array(size * size);
  for (let i = 0; i < slice.length; i++) {
    const unit = Math.min(1, Math.max(0, (resized[i] - low) / (high - low)));
    slice[i] = unit * 2 - 1;
  }
  return { pixels: slice, transform: { width, height, side, offsetX, offsetY, size, low, high } };
}

/**
 * Maps a finding mask with the image's geometry onto the S x S grid. A slice pixel is marked when
 * at least half of its footprint is in the mask (nearest sampling for boxes, without the
 * sampling phase deciding a box edge). A non-empty mask never vanishes: if no pixel reaches half,
 * the most covered one is marked, so a small finding still counts in the evaluation.
 */
export function resampleMaskToSlice(
  mask: Uint8Array,
  width: number,
  height: number,
  transform: SliceTransform,
): Uint8Array {
  checkImage(mask, width, height, 'mask');
  if (width !== transform.width || height !== transform.height) {
    throw new RangeError(
      `mask is ${width} x ${height} but the slice was made from a ${transform.width} x ${transform.height} image`,
    );
  }
  const { side, offsetX, offsetY, size } = transform;
  const square = new Float64Array(side * side);
  let any = false;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const set = mask[y * width + x] ? 1 : 0;
      square[(y + offsetY) * side + x + offsetX] = set;
      any ||= set === 1;
    }
  }
  const taps = areaTaps(side, size);
  const coverage = resampleGrid(square, side, side, taps, taps);
  const slice = new Uint8Array(size * size);
  let mostCovered = 0;
  let marked = 0;
  for (let i = 0; i < slice.length; i++) {
    // The epsilon absorbs rounding in the overlap sums of an exactly half-covered pixel.
    if (coverage[i] >= 0.5 - 1e-9) {
      slice[i] = 1;
      marked++;
    }
    if (coverage[i] > coverage[mostCovered]) mostCovered = i;
  }
  if (any && marked === 0) slice[mostCovered] = 1;
  return slice;
}

/** Maps an S x S map back to the original image's geometry (bilinear) for display and export. */
export function sliceToImage(values: Float32Array, transform: SliceTransform): Float32Array {
  const { width, height, side, offsetX, offsetY, size } = transform;
  if (values.length !== size * size) {
    throw new RangeError(`slice map has ${values.length} values, expected ${size} x ${size}`);
  }
  const scale = size / side;
  const image = new Float32Array(width * height);
  const clampIndex = (i: number) => Math.min(size - 1, Math.max(0, i));
  for (let y = 0; y < height; y++) {
    const v = (y + offsetY + 0.5) * scale - 0.5;
    const row0 = Math.floor(v);
    const fy = v - row0;
    const [r0, r1] = [clampIndex(row0), clampIndex(row0 + 1)];
    for (let x = 0; x < width; x++) {
      const u = (x + offsetX + 0.5) * scale - 0.5;
      const col0 = Math.floor(u);
      const fx = u - col0;
      const [c0, c1] = [clampIndex(col0), clampIndex(col0 + 1)];
      const top = values[r0 * size + c0] * (1 - fx) + values[r0 * size + c1] * fx;
      const bottom = values[r1 * size + c0] * (1 - fx) + values[r1 * size + c1] * fx;
      image[y * width + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return image;
}
