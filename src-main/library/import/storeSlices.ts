import type { ImageStore } from '../store.ts';
import type { Pixels } from '../pixels.ts';
import type { Box, NewImage } from '../types.ts';
import type { DecodedFile } from './decoded.ts';
import { throwIfCancelled } from '../../files/importError.ts';

/** Extra per-image facts a dataset manifest brings along with the pixels. */
export interface SliceExtras {
  /** Reference boxes; `mask`: the region's shape within its box (maskRegions), if known. */
  boxes?: { finding: string | null; box: Box; mask?: Pixels }[];
  brainMask?: Pixels | null;
  healthyMask?: Pixels | null;
}

/**
 * Puts a decoded file's slices (and masks) into the image store and returns the rows to
 * insert. Storing is safe ahead of the database write: files are immutable and named by
 * content, so one whose study is never written is only unreferenced.
 */
export async function storeSlices(
  store: ImageStore,
  decoded: DecodedFile,
  extras: SliceExtras = {},
  signal?: AbortSignal,
): Promise<NewImage[]> {
  const images: NewImage[] = [];
  for (const [index, slice] of decoded.slices.entries()) {
    // A volume of hundreds of slices takes seconds to store: a cancel stops between slices.
    throwIfCancelled(signal);
    const { pixels, width, height, bitDepth, valueSlope, valueIntercept } = slice.image;
    const first = index === 0;
    images.push({
      hash: await store.put({ pixels, width, height, bitDepth }),
      width,
      height,
      bitDepth,
      valueSlope,
      valueIntercept,
      originalPath: decoded.path,
      sliceIndex: slice.sliceIndex,
      seriesUid: slice.seriesUid,
      seriesDescription: slice.seriesDescription,
      pixelSpacing: slice.pixelSpacing,
      sliceThickness: slice.sliceThickness,
      windowCenter: slice.windowCenter,
      windowWidth: slice.windowWidth,
      orientation: slice.orientation,
      dicom: slice.dicom,
      slicePositionMm: slice.slicePositionMm,
      boxes: first ? await storeBoxMasks(store, extras.boxes) : undefined,
      brainMaskHash: first && extras.brainMask ? await store.put(extras.brainMask) : null,
      healthyMaskHash: first && extras.healthyMask ? await store.put(extras.healthyMask) : null,
    });
  }
  return images;
}

/** The boxes with their masks put into the image store (one small PNG each), by hash. */
async function storeBoxMasks(
  store: ImageStore,
  boxes: SliceExtras['boxes'],
): Promise<NewImage['boxes']> {
  if (!boxes) return undefined;
  const stored: NonNullable<NewImage['boxes']> = [];
  for (const { finding, box, mask } of boxes) {
    if (mask && (mask.width !== box.width || mask.height !== box.height))
      throw new Error(
        `the mask of box ${JSON.stringify(box)} is ${mask.width} x ${mask.height}, not the box's size`,
      );
    stored.push({ finding, box, maskHash: mask ? await store.put(mask) : null });
  }
  return stored;
}

/**
 * A duplicate is recognised by content, not by name: every slice is already in the library
 * or among this import's slices not yet written (`pending`).
 */
export function isDuplicate(
  images: readonly NewImage[],
  pending: ReadonlySet<string>,
  inLibrary: (hash: string) => boolean,
): boolean {
  return images.every((image) => pending.has(image.hash) || inLibrary(image.hash));
}
