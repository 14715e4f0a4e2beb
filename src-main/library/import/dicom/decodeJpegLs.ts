import { createRequire } from 'node:module';
import type { CharlsModule } from '@cornerstonejs/codec-charls/wasmjs';
import { checkJpegFrameSize } from './jpegFrameSize.ts';
import { decodeGrayFrame } from './wasmFrame.ts';

const require = createRequire(import.meta.url);
let charls: Promise<CharlsModule> | undefined;

/**
 * CharLS compiled to WebAssembly (@cornerstonejs/codec-charls, the JPEG-LS codec of OHIF's
 * image loader), loaded once per process on first use.
 */
export function loadCharls(): Promise<CharlsModule> {
  const factory =
    require('@cornerstonejs/codec-charls/wasmjs') as typeof import('@cornerstonejs/codec-charls/wasmjs').default;
  // CharLS prints its errors itself; ours say the same with the file's name.
  charls ??= factory({ print: () => {}, printErr: () => {} });
  return charls;
}

/**
 * Decodes one JPEG-LS frame (lossless or near-lossless) to native little-endian samples of the
 * expected shape. The frame header is checked first, so a stream claiming another size never
 * gets its buffer.
 */
export async function decodeJpegLsFrame(
  frame: Uint8Array,
  expected: { width: number; height: number; bitsAllocated: 8 | 16 },
): Promise<Uint8Array> {
  checkJpegFrameSize(frame, expected);
  const decoder = new (await loadCharls()).JpegLSDecoder();
  return decodeGrayFrame(decoder, frame, expected, 'JPEG-LS');
}
