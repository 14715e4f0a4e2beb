import { createRequire } from 'node:module';
import type { OpenJpegModule } from '@cornerstonejs/codec-openjpeg/wasmjs';
import { decodeGrayFrame } from './wasmFrame.ts';

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
  checkCodestreamSize(frame, expected);
  const decoder = new (await loadOpenJpeg()).J2KDecoder();
  return decodeGrayFrame(decoder, frame, expected, 'JPEG 2000');
}

/**
 * The image size in the codestream's SIZ marker, checked against the DICOM header before
 * OpenJPEG allocates for it (a few bytes claiming 60000 x 60000 must not cost gigabytes).
 */
function checkCodestreamSize(frame: Uint8Array, expected: { width: number; height: number }): void {
  // SOC (FF4F) then SIZ (FF51); a JP2 wrapper puts the codestream a few boxes in.
  let at = -1;
  for (let i = 0; i + 1 < Math.min(frame.length, 4096); i++)
    if (
      frame[i] === 0xff &&
      frame[i + 1] === 0x4f &&
      frame[i + 2] === 0xff &&
      frame[i + 3] === 0x51
    ) {
      at = i + 4;
      break;
    }
  if (at < 0 || at + 22 > frame.length)
    throw new Error('the JPEG 2000 stream has no image size (SIZ) marker: it is corrupt');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const width = view.getUint32(at + 4) - view.getUint32(at + 12);
  const height = view.getUint32(at + 8) - view.getUint32(at + 16);
  if (width !== expected.width || height !== expected.height)
    throw new Error(
      `JPEG 2000 frame is ${width} x ${height}, the header says ${expected.width} x ${expected.height}`,
    );
}
