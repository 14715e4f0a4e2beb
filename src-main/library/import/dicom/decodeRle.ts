/**
 * DICOM RLE Lossless (PS3.5 annex G): a 64-byte header of segment offsets, then one PackBits
 * segment per byte plane, most significant plane first. Returns the frame's bytes in native
 * little-endian order. Written here because no maintained npm package decodes it on its own.
 */
const MAX_PACKBITS_EXPANSION = 64;

export function decodeRleFrame(
  frame: Uint8Array,
  pixelCount: number,
  bytesPerSample: number,
): Uint8Array {
  if (frame.length < 64) throw new Error('RLE frame is shorter than its 64-byte header');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segments = view.getUint32(0, true);
  if (segments !== bytesPerSample) {
    throw new Error(
      `RLE frame has ${segments} segments, expected ${bytesPerSample} for one grayscale sample`,
    );
  }
  const bounds = Array.from({ length: segments }, (_, segment) => {
    const start = view.getUint32(4 + segment * 4, true);
    const end = segment + 1 < segments ? view.getUint32(8 + segment * 4, true) : frame.length;
    if (start < 64 || end > frame.length || start > end)
      throw new Error('RLE segment offsets are out of range');
    // PackBits expands at most 64-fold (2 bytes for a run of 128): a segment too short for
    // the frame is refused before its output is allocated.
    if ((end - start) * MAX_PACKBITS_EXPANSION < pixelCount)
      throw new Error(
        `RLE segment of ${end - start} bytes cannot hold ${pixelCount} pixels (it is truncated)`,
      );
    return { start, end };
  });
  const output = new Uint8Array(pixelCount * bytesPerSample);
  for (const [segment, { start, end }] of bounds.entries()) {
    // Segment 0 holds the most significant byte; little-endian output puts it last.
    const plane = bytesPerSample - 1 - segment;
    unpackBits(frame.subarray(start, end), output, plane, bytesPerSample, pixelCount);
  }
  return output;
}

function unpackBits(
  input: Uint8Array,
  output: Uint8Array,
  plane: number,
  stride: number,
  pixelCount: number,
): void {
  let read = 0;
  let written = 0;
  while (written < pixelCount && read < input.length) {
    const header = (input[read++] << 24) >> 24;
    if (header >= 0) {
      const count = header + 1;
      if (read + count > input.length) throw new Error('RLE segment is truncated');
      for (let i = 0; i < count && written < pixelCount; i++)
        output[written++ * stride + plane] = input[read++];
    } else if (header !== -128) {
      const count = 1 - header;
      const value = input[read++];
      for (let i = 0; i < count && written < pixelCount; i++)
        output[written++ * stride + plane] = value;
    }
  }
  if (written < pixelCount)
    throw new Error(`RLE segment decodes to ${written} of ${pixelCount} pixels`);
}
