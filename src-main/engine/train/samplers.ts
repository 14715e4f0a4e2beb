import {
  applyAugmentation,
  applyAugmentationToMask,
  augmentSlice,
  drawAugmentation,
  lesionRegion,
} from './augment.ts';
import { syntheticAnomaly, type SyntheticKind } from './syntheticAnomaly.ts';
import type { PreparedCase } from './dataset.ts';

/** One training batch before noising: slices (S x S each) and, for the classifier, labels. */
export interface CleanBatch {
  slices: Float32Array[];
  /** 0 healthy, 1 pathological. */
  labels: number[];
  /** The scanner of each draw (a synthetic anomaly: its healthy slice's). */
  sources?: string[];
  /** Where each slice is abnormal (synthetic anomalies, real finding boxes), else null. */
  masks?: (Uint8Array | null)[];
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
  /** Share of IXI among the healthy draws, and (as near as the synthetic share allows) among the
   * pathological ones: synthetic lesions go into IXI slices at the rate that keeps it equal. */
  ixiShare: number;
  /** Share of the pathological draws that are synthetic anomalies pasted into healthy slices. */
  syntheticShare: number;
  /** The kinds of synthetic anomaly, drawn with equal chance; default ['ellipse']. */
  syntheticKinds?: SyntheticKind[];
}

/** Cases of one scanner and the rest, so that each class can keep the same IXI share. */
function bySource(cases: PreparedCase[]) {
  return {
    fastMri: cases.filter((c) => c.case.source === 'fastMRI'),
    other: cases.filter((c) => c.case.source !== 'fastMRI'),
  };
}

/**
 * Balanced batches for the noise-aware classifier: half healthy, half pathological, and inside
 * each class the same share of IXI, so that the scanner is not the label. The real pathological
 * cases are all fastMRI, so the synthetic positives are pasted into IXI slices at
 * ixiShare / (share of synthetic positives) (capped at 1). Each draw's source and, for synthetic
 * anomalies and real cases with boxes, its mask (augmented with the slice) come with the batch.
 */
export function classifierSampler(
  healthy: PreparedCase[],
  pathological: PreparedCase[],
  size: number,
  sampling: ClassifierSampling,
) {
  const healthyBySource = bySource(healthy);
  if (healthy.length === 0) throw new Error('no healthy images for the classifier');
  if (pathological.length === 0 && sampling.syntheticShare <= 0)
    throw new Error('no pathological images for the classifier and synthetic lesions are off');
  const kinds = sampling.syntheticKinds ?? ['ellipse'];
  if (kinds.length === 0) throw new Error('no kinds of synthetic anomaly to draw');
  const syntheticShare = pathological.length === 0 ? 1 : sampling.syntheticShare;
  const drawHealthy = sourceDraw(healthyBySource, sampling.ixiShare);
  const drawSyntheticBase = sourceDraw(
    healthyBySource,
    syntheticShare > 0 ? Math.min(1, sampling.ixiShare / syntheticShare) : 0,
  );
  const paste = syntheticPaster(healthyBySource, size, kinds);
  return (batchSize: number, random: () => number): CleanBatch => {
    const batch: Required<CleanBatch> = { slices: [], labels: [], sources: [], masks: [] };
    for (let i = 0; i < batchSize; i++) {
      const label = i % 2;
      let draw: Drawn | null = null;
      if (label === 0) draw = { c: drawHealthy(random), mask: null };
      else if (pathological.length === 0 || random() < syntheticShare)
        draw = paste(drawSyntheticBase(random), random);
      draw ??= { c: pick(pathological.length ? pathological : healthy, random), mask: null };
      const pixels = draw.pixels ?? draw.c.pixels;
      const mask = draw.mask ?? (label === 1 ? draw.c.findingMask : null);
      const augmentation = drawAugmentation(random);
      batch.slices.push(applyAugmentation(pixels, size, augmentation));
      batch.labels.push(label);
      batch.sources.push(draw.c.case.source);
      batch.masks.push(mask ? applyAugmentationToMask(mask, size, augmentation) : null);
    }
    return batch;
  };
}

interface Drawn {
  c: PreparedCase;
  pixels?: Float32Array;
  mask: Uint8Array | null;
}

/** Draws a case, IXI (any source but fastMRI) with the given chance where both exist. */
function sourceDraw(cases: ReturnType<typeof bySource>, ixiShare: number) {
  return (random: () => number) =>
    cases.other.length > 0 && (cases.fastMri.length === 0 || random() < ixiShare)
      ? pick(cases.other, random)
      : pick(cases.fastMri, random);
}

/**
 * Pastes a synthetic anomaly of a random kind into a healthy case, inside its eroded brain
 * (estimated once per case); a 'patch' comes from another healthy slice of the same scanner.
 */
function syntheticPaster(
  healthy: ReturnType<typeof bySource>,
  size: number,
  kinds: SyntheticKind[],
) {
  const regions = new WeakMap<PreparedCase, Uint8Array>();
  const regionOf = (c: PreparedCase) => {
    let region = regions.get(c);
    if (!region) regions.set(c, (region = lesionRegion(c.pixels, size)));
    return region;
  };
  return (base: PreparedCase, random: () => number): Drawn | null => {
    const kind = pick(kinds, random);
    const sameScanner = base.case.source === 'fastMRI' ? healthy.fastMri : healthy.other;
    const donor = kind === 'patch' ? pick(sameScanner, random).pixels : null;
    const anomaly = syntheticAnomaly(kind, base.pixels, size, regionOf(base), random, donor);
    return anomaly ? { c: base, pixels: anomaly.pixels, mask: anomaly.mask } : null;
  };
}
