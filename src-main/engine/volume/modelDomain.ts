/**
 * The models' domain: which slices of a volume the shipped models know. They were trained on
 * brain-mid, one mid-axial slice per subject (the level of the lateral ventricles, the head's
 * largest axial sections); slices through the vertex, the skull base, the orbits or the
 * cerebellum look nothing like them and would be called abnormal. The rule, per slice:
 *
 * 1. the head covers at least MIN_HEAD_FRACTION of the image (a partial slice, a sliver of
 *    scalp, is outside); measured on brain-mid this keeps every train and val slice
 *    (models/README.md, "Domain");
 * 2. its head section is at least MIN_SECTION_RATIO of the volume's largest section;
 * 3. where the volume spans a whole head (its head extent at least MIN_HEAD_EXTENT_MM, or
 *    MIN_HEAD_EXTENT_SLICES slices where the geometry is unknown), it lies in the mid-axial
 *    slab: from SLAB[0] to SLAB[1] of that extent, counted from its inferior end.
 *
 * The head is what lies above one Otsu threshold of the whole volume (so a nearly blank end
 * slice has almost no head, instead of its own noise split in two); a section is its pixel
 * count times the pixel area (mm^2 where the spacing is known). A one-slice study is its own
 * largest section and spans no head: only rule 1 applies. A slice with no head at all is
 * 'blank'. Plain data in and out; no tensors.
 */
import { otsuThreshold } from '../anomaly/otsuThreshold.ts';

export const MIN_HEAD_FRACTION = 0.1;
export const MIN_SECTION_RATIO = 0.7;
export const SLAB: readonly [number, number] = [0.4, 0.75];
export const MIN_HEAD_EXTENT_MM = 120;
export const MIN_HEAD_EXTENT_SLICES = 100;
/** A slice whose head section is below this share of the largest bounds the head's extent. */
const HEAD_PRESENT_RATIO = 0.05;
/** Pixels pooled per slice for the volume's threshold: enough for a stable histogram. */
const SAMPLES_PER_SLICE = 4096;

/** One slice of a volume, in the volume's order (inferior to superior where known). */
export interface VolumeSlice {
  pixels: ArrayLike<number>;
  width: number;
  height: number;
  /** Millimetres per pixel (row, column), where known. */
  pixelSpacing?: readonly [number, number] | null;
  /** Distance along the slice normal (mm), where known. */
  positionMm?: number | null;
}

export type DomainVerdict =
  | { inDomain: true; headFraction: number; sectionRatio: number; slabPosition: number | null }
  | {
      inDomain: false;
      kind: 'outside-domain' | 'blank';
      reason: string;
      headFraction: number;
      sectionRatio: number;
      slabPosition: number | null;
    };

const percent = (value: number) => `${Math.round(value * 100)}%`;
export const OUTSIDE_DOMAIN = 'outside the mid-axial slab the models know';

/** The domain verdict of each slice of one volume (one series), in the order given. */
export function modelDomain(slices: readonly VolumeSlice[]): DomainVerdict[] {
  if (slices.length === 0) return [];
  const threshold = volumeThreshold(slices);
  const withSpacing = slices.every((slice) => slice.pixelSpacing);
  const heads = slices.map((slice) => headPixels(slice, threshold));
  const sections = slices.map((slice, i) =>
    withSpacing ? heads[i] * slice.pixelSpacing![0] * slice.pixelSpacing![1] : heads[i],
  );
  const largest = Math.max(...sections);
  const slab = slabPositions(slices, sections, largest);
  return slices.map((slice, i) => {
    const headFraction = heads[i] / (slice.width * slice.height);
    const sectionRatio = largest > 0 ? sections[i] / largest : 0;
    const measured = { headFraction, sectionRatio, slabPosition: slab[i] };
    const outside = (kind: 'outside-domain' | 'blank', reason: string): DomainVerdict => ({
      inDomain: false,
      kind,
      reason,
      ...measured,
    });
    if (heads[i] === 0) return outside('blank', 'blank: no head in the slice');
    if (headFraction < MIN_HEAD_FRACTION)
      return outside(
        'outside-domain',
        `${OUTSIDE_DOMAIN}: the head covers ${percent(headFraction)} of the image (at least ${percent(MIN_HEAD_FRACTION)}; a partial or end slice)`,
      );
    if (sectionRatio < MIN_SECTION_RATIO)
      return outside(
        'outside-domain',
        `${OUTSIDE_DOMAIN}: its head section is ${percent(sectionRatio)} of the volume's largest (at least ${percent(MIN_SECTION_RATIO)})`,
      );
    const position = slab[i];
    if (position !== null && (position < SLAB[0] || position > SLAB[1]))
      return outside(
        'outside-domain',
        `${OUTSIDE_DOMAIN}: it lies at ${percent(position)} of the head's inferior-superior extent (the slab is ${percent(SLAB[0])} to ${percent(SLAB[1])})`,
      );
    return { inDomain: true, ...measured };
  });
}

/** One Otsu threshold over pixels sampled evenly from every slice. */
function volumeThreshold(slices: readonly VolumeSlice[]): number {
  const pooled: number[] = [];
  for (const { pixels } of slices) {
    const step = Math.max(1, Math.floor(pixels.length / SAMPLES_PER_SLICE));
    for (let i = 0; i < pixels.length; i += step) pooled.push(pixels[i]);
  }
  return otsuThreshold(pooled);
}

function headPixels({ pixels }: VolumeSlice, threshold: number): number {
  let count = 0;
  for (let i = 0; i < pixels.length; i++) if (pixels[i] > threshold) count++;
  return count;
}

/**
 * Each slice's place (0 inferior end, 1 superior end) in the head's extent, the slices from the
 * first to the last whose section is at least HEAD_PRESENT_RATIO of the largest; null for all
 * when the volume spans less than a head (a slab series, one slice): there is no end to count
 * from.
 */
function slabPositions(
  slices: readonly VolumeSlice[],
  sections: readonly number[],
  largest: number,
): (number | null)[] {
  const present = sections.map((section) => largest > 0 && section >= HEAD_PRESENT_RATIO * largest);
  const first = present.indexOf(true);
  const last = present.lastIndexOf(true);
  const none = slices.map(() => null);
  if (first < 0 || last <= first) return none;
  const positions = slices.map((slice) => slice.positionMm ?? null);
  const known = positions.every((position) => position !== null);
  const along = known ? (positions as number[]) : slices.map((_, i) => i);
  const extent = Math.abs(along[last] - along[first]);
  if (extent < (known ? MIN_HEAD_EXTENT_MM : MIN_HEAD_EXTENT_SLICES - 1)) return none;
  return along.map((value) => (value - along[first]) / (along[last] - along[first]));
}
