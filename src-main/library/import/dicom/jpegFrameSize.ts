/**
 * The size a JPEG stream's frame header (SOF) claims, checked against the DICOM header before
 * a decoder allocates for it: a fragment claiming 65535 x 65535 must not cost 8 GiB.
 */
export function jpegFrameSize(
  stream: Uint8Array,
): { width: number; height: number; precision: number } | null {
  let at = 2; // after SOI
  while (at + 4 <= stream.length) {
    if (stream[at] !== 0xff) return null;
    const marker = stream[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = (stream[at + 2] << 8) | stream[at + 3];
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC); JPEG-LS SOF55 (F7).
    const isFrame =
      (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) || marker === 0xf7;
    if (isFrame) {
      if (at + 9 > stream.length) return null;
      return {
        precision: stream[at + 4],
        height: (stream[at + 5] << 8) | stream[at + 6],
        width: (stream[at + 7] << 8) | stream[at + 8],
      };
    }
    at += 2 + length;
  }
  return null;
}

/** Throws unless the stream's frame is the size the DICOM header says. */
export function checkJpegFrameSize(
  stream: Uint8Array,
  expected: { width: number; height: number },
): void {
  const size = jpegFrameSize(stream);
  if (!size) throw new Error('the JPEG stream has no frame header (it is truncated or corrupt)');
  if (size.width !== expected.width || size.height !== expected.height)
    throw new Error(
      `JPEG frame is ${size.width} x ${size.height}, the header says ${expected.width} x ${expected.height}`,
    );
}

/** Bits per sample of the stream's frame, or null without a frame header. */
export function jpegPrecision(stream: Uint8Array): number | null {
  return jpegFrameSize(stream)?.precision ?? null;
}
