import { createHash } from 'node:crypto';

/** One grayscale slice as stored in the library: 8- or 16-bit, row-major, one channel. */
export interface Pixels {
  width: number;
  height: number;
  bitDepth: 8 | 16;
  pixels: Uint8Array | Uint16Array;
}

/**
 * Maps stored pixel values back to the values in the source file
 * (`value = stored * valueSlope + valueIntercept`), so signed or rescaled DICOM and
 * NIfTI data can be kept in unsigned 8/16-bit PNGs without losing the real units.
 */
export interface ValueScale {
  valueSlope: number;
  valueIntercept: number;
}

/** Content hash of the decoded pixels and their shape: the image's identity in the store. */
export function hashPixels(image: Pixels): string {
  const hash = createHash('sha256');
  hash.update(`${image.width}x${image.height}x${image.bitDepth}\n`);
  hash.update(
    new Uint8Array(image.pixels.buffer, image.pixels.byteOffset, image.pixels.byteLength),
  );
  return hash.digest('hex');
}

export function checkPixels(image: Pixels): void {
  const expected = image.width * image.height;
  if (image.pixels.length !== expected) {
    throw new Error(
      `pixel buffer holds ${image.pixels.length} values, expected ${image.width} x ${image.height}`,
    );
  }
  const is16 = image.pixels instanceof Uint16Array;
  if (is16 !== (image.bitDepth === 16)) {
    throw new Error(`pixel buffer type does not match bit depth ${image.bitDepth}`);
  }
}
