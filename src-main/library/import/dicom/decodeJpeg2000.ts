import { createRequire } from 'node:module';
import type { OpenJpegModule } from '@cornerstonejs/codec-openjpeg/wasmjs';

const require = createRequire(import.meta.url);
let openJpeg: Promise<OpenJpegModule> | undefined;

/**
 * OpenJPEG compiled to WebAssembly (@cornerstonejs/codec-openjpeg), loaded once per process
 * on first use: a second instance of the build fails to register its classes.
 */
export function loadOpenJpeg(): Promise<OpenJpegModule> {
  const factory =
    require('@cornerstonejs/codec-openjpeg/wasmjs') as typeof import('@cornerstonejs/codec-openjpeg/wasmjs').default;
  // OpenJPEG prints its errors itself; ours say the same with the file's name.
  openJpeg ??= factory({ print: () => {}, printErr: () => {} });
  return openJpeg;
}

/** Decodes one JPEG 2000 codestream to native little-endian samples of the expected shape. */
export async function decodeJpeg2000Frame(
  frame: Uint8Array,
  expected: { width: number; height: number; bitsAllocated: 8 | 16 },
): Promise<Uint8Array> {
  const decoder = new (await loadOpenJpeg()).J2KDecoder();
  try {
    decoder.getEncodedBuffer(frame.length).set(frame);
    try {
      decoder.decode();
    } catch {
      // Emscripten throws a bare number here; the useful fact is that the stream is bad.
      throw new Error('the JPEG 2000 stream is corrupt');
    }
    const info = decoder.getFrameInfo();
    if (info.width === 0 || info.height === 0) throw new Error('the JPEG 2000 stream is corrupt');
    if (
      info.width !== expected.width ||
      info.height !== expected.height ||
      info.componentCount !== 1
    ) {
      throw new Error(
        `JPEG 2000 frame is ${info.width} x ${info.height} with ${info.componentCount} components, the header says ${expected.width} x ${expected.height} grayscale`,
      );
    }
    const bits = info.bitsPerSample > 8 ? 16 : 8;
    if (bits !== expected.bitsAllocated) {
      throw new Error(
        `JPEG 2000 frame has ${info.bitsPerSample}-bit samples, the header says ${expected.bitsAllocated}`,
      );
    }
    return decoder.getDecodedBuffer().slice();
  } finally {
    decoder.delete();
  }
}
