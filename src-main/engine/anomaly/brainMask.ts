import { checkSquare } from './checkShapes.ts';
import { erode, fillHoles, largestComponent } from './morphology.ts';
import { intensityLevels } from './intensityLevels.ts';
import { sortedCopy } from './quantile.ts';

export interface BrainMaskOptions {
  /** Intensity above which a pixel is tissue; default: see tissueThreshold. */
  threshold?: number;
  /** Where the default threshold sits between the background level (0) and Otsu's (1); 0.5. */
  thresholdFraction?: number;
  /**
   * Radius (pixels) of the final erosion that trims the skull and scalp edge, where reconstruction
   * errors are large and meaningless; default round(size / 32) (2 px at 64 x 64).
   */
  erosion?: number;
}

/**
 * The tissue threshold: halfway (by default) between the background level (the median of the
 * pixels below Otsu's threshold) and Otsu's threshold. Otsu alone splits T1 slices between grey
 * and white matter when the background is small, dropping the cortex; halfway still clears the
 * background noise of fastMRI and keeps the dark bone ring that separates brain from scalp.
 */
function tissueThreshold(image: Float32Array, fraction: number): number {
  const { otsu, background } = intensityLevels(sortedCopy(image));
  return background + fraction * (otsu - background);
}

/**
 * Estimates the brain mask of an S x S slice: tissue above the threshold, holes filled (ventricles,
 * CSF and the dark skull inside the scalp), the largest connected component (drops background
 * noise and scanner text), then eroded so the thin scalp ring at the edge is left out. Works on
 * any intensity scale, so black-background (IXI) and noisy-background (fastMRI) slices take the
 * same steps. Checked by eye on brain-mid at 64 x 64: the edge sits just inside the scalp, and
 * the mask stays inside the course's head masks (brain_map_full).
 */
export function estimateBrainMask(
  image: Float32Array,
  size: number,
  options: BrainMaskOptions = {},
): Uint8Array {
  checkSquare(image, size, 'image');
  const threshold = options.threshold ?? tissueThreshold(image, options.thresholdFraction ?? 0.5);
  const erosion = options.erosion ?? Math.round(size / 32);
  const tissue = new Uint8Array(image.length);
  for (let i = 0; i < image.length; i++) tissue[i] = image[i] > threshold ? 1 : 0;
  // Filling before choosing the component lets a closed scalp ring enclose the brain, so the
  // component is the whole head rather than the brain or the scalp alone, whichever is larger.
  return erode(largestComponent(fillHoles(tissue, size), size), size, erosion);
}
