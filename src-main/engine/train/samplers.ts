import { augmentSlice, lesionRegion, pasteSyntheticLesion } from './augment.ts';
import type { PreparedCase } from './dataset.ts';

/** One training batch before noising: slices (S x S each) and, for the classifier, labels. */
export interface CleanBatch {
  slices: Float32Array[];
  /** 0 healthy, 1 pathological. */
  labels: number[];
}

function pick<T>(items: T[], random: () => number): T {
  return items[Math.floor(random() * items.length)];
}

/**
 * Healthy slices for the diffusion model. The healthy training set is 80% IXI while the scans to
 * read are fastMRI, so each source is drawn with a set share rather than by its count.
 */
export function diffusionSampler(cases: PreparedCase[], size: number, fastMriShare = 0.5) {
  const fastMri = cases.filter((c) => c.case.source === 'fastMRI');
  const other = cases.filter((c) => c.case.source !== 'fastMRI');
  if (cases.length === 0) throw new Error('no healthy training images');
  return (batchSize: number, random: () => number): CleanBatch => {
    const slices = Array.from({ length: batchSize }, () => {
      const fromFastMri = fastMri.length > 0 && (other.length === 0 || random() < fastMriShare);
      return augmentSlice(pick(fromFastMri ? fastMri : other, random).pixels, size, random);
    });
    return { slices, labels: slices.map(() => 0) };
  };
}

export interface ClassifierSampling {
  /** Share of the healthy draws taken from IXI (the rest from healthy fastMRI). */
  ixiShare: number;
  /** Share of the pathological draws that are synthetic lesions pasted into healthy fastMRI. */
  syntheticShare: number;
}

/**
 * Balanced batches for the noise-aware classifier: half healthy, half pathological, and inside
 * the healthy half a controlled share of IXI, so that the scanner is not the label.
 */
export function classifierSampler(
  healthy: PreparedCase[],
  pathological: PreparedCase[],
  size: number,
  sampling: ClassifierSampling,
) {
  const healthyFastMri = healthy.filter((c) => c.case.source === 'fastMRI');
  const healthyOther = healthy.filter((c) => c.case.source !== 'fastMRI');
  if (healthyFastMri.length === 0 && healthyOther.length === 0)
    throw new Error('no healthy images for the classifier');
  if (pathological.length === 0 && sampling.syntheticShare <= 0)
    throw new Error('no pathological images for the classifier and synthetic lesions are off');
  // Where each healthy slice may receive a synthetic lesion, estimated once per slice.
  const brains = new WeakMap<PreparedCase, Uint8Array>();
  const brainOf = (c: PreparedCase) => {
    let brain = brains.get(c);
    if (!brain) brains.set(c, (brain = lesionRegion(c.pixels, size)));
    return brain;
  };
  const healthyDraw = (random: () => number) =>
    healthyOther.length > 0 && (healthyFastMri.length === 0 || random() < sampling.ixiShare)
      ? pick(healthyOther, random)
      : pick(healthyFastMri, random);
  return (batchSize: number, random: () => number): CleanBatch => {
    const slices: Float32Array[] = [];
    const labels: number[] = [];
    for (let i = 0; i < batchSize; i++) {
      const label = i % 2;
      let slice: Float32Array | null = null;
      if (label === 0) slice = healthyDraw(random).pixels;
      else if (pathological.length === 0 || random() < sampling.syntheticShare) {
        const base = pick(healthyFastMri.length ? healthyFastMri : healthyOther, random);
        slice = pasteSyntheticLesion(base.pixels, size, random, brainOf(base));
      }
      slice ??= pick(pathological.length ? pathological : healthyFastMri, random).pixels;
      slices.push(augmentSlice(slice, size, random));
      labels.push(label);
    }
    return { slices, labels };
  };
}
