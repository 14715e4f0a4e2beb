import JpegImage from './vendor/jpegImage.ts';

interface JpegImageDecoder {
  colorTransform: boolean;
  parse(stream: Uint8Array): void;
  getData16(width: number, height: number): Uint16Array;
}

/**
 * One 12-bit JPEG Extended (DCT) frame through Cornerstone's JavaScript decoder (vendored, with
 * its 12-bit level shift fixed), to native little-endian 16-bit samples. The caller has checked
 * the frame's size against the DICOM header.
 */
export function decodeJpeg12Frame(
  frame: Uint8Array,
  expected: { width: number; height: number; bitsAllocated: 8 | 16 },
): Uint8Array {
  if (expected.bitsAllocated !== 16)
    throw new Error('12-bit JPEG samples need Bits Allocated 16, the header says 8');
  const jpeg = new (JpegImage as unknown as new () => JpegImageDecoder)();
  try {
    jpeg.parse(frame);
  } catch (error) {
    throw new Error(`the JPEG stream is corrupt: ${String((error as Error)?.message ?? error)}`, {
      cause: error,
    });
  }
  jpeg.colorTransform = false;
  const samples = jpeg.getData16(expected.width, expected.height);
  return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
}
