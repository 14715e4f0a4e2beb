import { createRequire } from 'node:module';
import type { OpenJpegModule } from '@cornerstonejs/codec-openjpeg/wasmjs';

const require = createRequire(import.meta.url);
let codec: Promise<OpenJpegModule> | undefined;

/** OpenJPEG compiled to WebAssembly (@cornerstonejs/codec-openjpeg), loaded on first use. */
function openJpeg(): Promise<OpenJpegModule> {
  if (!codec) {
    const factory =
      require('@cornerstonejs/codec-openjpeg/wasmjs') as typeof import('@cornerstonejs/codec-openjpeg/wasmjs').default;
    // OpenJPEG prints its errors itself; ours say the same with the file's name.
    codec = factory({ print: () => {}, printErr: () => {} });
  }
  return codec;
}

/** Decodes one JPEG 2000 codestream to native little-endian samples of the expected shape. */
export async function decodeJpeg2000Frame(
  frame: Uint8Array,
  expected: { width: number; height: number; bitsAllocated: 8 | 16 },
): Promise<Uint8Array> {
  const module = await openJpeg();
  const decoder = new module.J2KDecoder();
  try {
    decoder.getEncodedBuffer(frame.length).set(frame);
    decoder.decode();
    const info = decoder.getFrameInfo();
    if (info.width === 0 || info.height === 0)
      throw new Error('the JPEG 2000 codestream is corrupt');
    if (
      info.width !== expected.width ||
      info.height !== expected.height ||
      info.componentCount !== 1
    ) {
      throw new Error(
        `JPEG 2000 frame is ${info.width} x ${info.height} with ${info.componentCount} components, the header says ${expected.width} x ${expected.height} grayscale`,
      );
    }
    const bytesPerSample = info.bitsPerSample > 8 ? 2 : 1;
    if (bytesPerSample * 8 !== expected.bitsAllocated) {
      throw new Error(
        `JPEG 2000 frame has ${info.bitsPerSample}-bit samples, the header says ${expected.bitsAllocated}`,
      );
    }
    return decoder.getDecodedBuffer().slice();
  } finally {
    decoder.delete();
  }
}
