/**
 * A small GIF reader written for the tests, independent of the encoder: the logical screen,
 * each image's delay and its LZW-decoded palette indices (global or local palette).
 */
export interface DecodedGif {
  width: number;
  height: number;
  frames: {
    width: number;
    height: number;
    delayMs: number;
    indices: Uint8Array;
    palette: number[];
  }[];
}

function readSubBlocks(bytes: Uint8Array, start: number): { data: Uint8Array; next: number } {
  const parts: number[] = [];
  let at = start;
  while (bytes[at] !== 0) {
    const size = bytes[at];
    for (let i = 1; i <= size; i++) parts.push(bytes[at + i]);
    at += size + 1;
  }
  return { data: Uint8Array.from(parts), next: at + 1 };
}

function lzwDecode(data: Uint8Array, minCodeSize: number, pixelCount: number): Uint8Array {
  const out = new Uint8Array(pixelCount);
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  let table: number[][] = [];
  let codeSize = minCodeSize + 1;
  const reset = () => {
    table = Array.from({ length: clear + 2 }, (_, i) => [i]);
    codeSize = minCodeSize + 1;
  };
  reset();
  let bitPos = 0;
  let written = 0;
  let previous: number[] | null = null;
  while (bitPos + codeSize <= data.length * 8) {
    let code = 0;
    for (let b = 0; b < codeSize; b++, bitPos++)
      code |= ((data[bitPos >> 3] >> (bitPos & 7)) & 1) << b;
    if (code === clear) {
      reset();
      previous = null;
      continue;
    }
    if (code === end) break;
    let entry: number[];
    if (code < table.length) entry = table[code];
    else if (previous && code === table.length) entry = [...previous, previous[0]];
    else throw new Error(`bad LZW code ${code}`);
    for (const v of entry) if (written < pixelCount) out[written++] = v;
    if (previous && table.length < 4096) table.push([...previous, entry[0]]);
    previous = entry;
    if (table.length === 1 << codeSize && codeSize < 12) codeSize++;
  }
  if (written !== pixelCount) throw new Error(`decoded ${written} of ${pixelCount} pixels`);
  return out;
}

export function decodeGif(bytes: Uint8Array): DecodedGif {
  const header = String.fromCharCode(...bytes.subarray(0, 6));
  if (header !== 'GIF89a') throw new Error(`not a GIF89a: ${header}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint16(6, true);
  const height = view.getUint16(8, true);
  const packed = bytes[10];
  let at = 13;
  let globalPalette: number[] = [];
  if (packed & 0x80) {
    const size = 3 * (1 << ((packed & 7) + 1));
    globalPalette = [...bytes.subarray(at, at + size)];
    at += size;
  }
  const frames: DecodedGif['frames'] = [];
  let delayMs = 0;
  while (at < bytes.length) {
    const block = bytes[at];
    if (block === 0x3b) break;
    if (block === 0x21) {
      if (bytes[at + 1] === 0xf9) delayMs = view.getUint16(at + 4, true) * 10;
      at = readSubBlocks(bytes, at + 2).next;
    } else if (block === 0x2c) {
      const w = view.getUint16(at + 5, true);
      const h = view.getUint16(at + 7, true);
      const flags = bytes[at + 9];
      at += 10;
      let palette = globalPalette;
      if (flags & 0x80) {
        const size = 3 * (1 << ((flags & 7) + 1));
        palette = [...bytes.subarray(at, at + size)];
        at += size;
      }
      const minCodeSize = bytes[at];
      const { data, next } = readSubBlocks(bytes, at + 1);
      at = next;
      frames.push({
        width: w,
        height: h,
        delayMs,
        indices: lzwDecode(data, minCodeSize, w * h),
        palette,
      });
    } else throw new Error(`unknown GIF block 0x${block.toString(16)} at ${at}`);
  }
  return { width, height, frames };
}
