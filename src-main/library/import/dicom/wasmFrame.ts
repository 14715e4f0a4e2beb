/**
 * One grayscale frame through a WebAssembly codec (OpenJPEG, CharLS): the stream in, the
 * decoded samples out, checked against the shape the DICOM header gives. The decoder is
 * deleted whatever happens (its memory lives in the wasm heap, not in the JS one).
 */
export function decodeGrayFrame(
  decoder: WasmFrameDecoder,
  frame: Uint8Array,
  expected: { width: number; height: number; bitsAllocated: 8 | 16 },
  codec: string,
): Uint8Array {
  try {
    decoder.getEncodedBuffer(frame.length).set(frame);
    try {
      decoder.decode();
    } catch {
      // Emscripten throws a bare number here; the useful fact is that the stream is bad.
      throw new Error(`the ${codec} stream is corrupt`);
    }
    const info = decoder.getFrameInfo();
    if (info.width === 0 || info.height === 0) throw new Error(`the ${codec} stream is corrupt`);
    if (
      info.width !== expected.width ||
      info.height !== expected.height ||
      info.componentCount !== 1
    ) {
      throw new Error(
        `${codec} frame is ${info.width} x ${info.height} with ${info.componentCount} components, the header says ${expected.width} x ${expected.height} grayscale`,
      );
    }
    const bits = info.bitsPerSample > 8 ? 16 : 8;
    if (bits !== expected.bitsAllocated) {
      throw new Error(
        `${codec} frame has ${info.bitsPerSample}-bit samples, the header says ${expected.bitsAllocated}`,
      );
    }
    return decoder.getDecodedBuffer().slice();
  } finally {
    decoder.delete();
  }
}
