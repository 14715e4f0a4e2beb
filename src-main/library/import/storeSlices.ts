import type { Library } from '../library.ts';
import { hashPixels, type Pixels } from '../pixels.ts';
import type { Box, NewImage } from '../types.ts';
import type { DecodedFile } from './decoded.ts';

/** Extra per-image facts a dataset manifest brings along with the pixels. */
export interface SliceExtras {
  boxes?: { finding: string | null; box: Box }[];
  brainMask?: Pixels | null;
  healthyMask?: Pixels | null;
}

/**
 * Puts a decoded file's slices into the image store and returns the rows to insert, or null
 * when every slice is already in the library (or in `pending`, this import's unwritten slices):
 * a duplicate is recognised by content, not by name.
 */
export async function storeSlices(
  library: Library,
  decoded: DecodedFile,
  extras: SliceExtras = {},
  pending: Set<string> = new Set(),
): Promise<NewImage[] | null> {
  const hashes = decoded.slices.map((slice) => hashPixels(slice.image));
  const known = (hash: string): boolean => pending.has(hash) || library.hasImageHash(hash);
  if (hashes.every(known)) return null;
  const images: NewImage[] = [];
  for (const [index, slice] of decoded.slices.entries()) {
    const { pixels, width, height, bitDepth, valueSlope, valueIntercept } = slice.image;
    const hash = await library.store.put({ pixels, width, height, bitDepth });
    pending.add(hashes[index]);
    images.push({
      hash,
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
      boxes: index === 0 ? extras.boxes : undefined,
      brainMaskHash:
        index === 0 && extras.brainMask ? await library.store.put(extras.brainMask) : null,
      healthyMaskHash:
        index === 0 && extras.healthyMask ? await library.store.put(extras.healthyMask) : null,
    });
  }
  return images;
}
