/**
 * Raw pixels of a stored image, for window/level at full bit depth (a browser decodes a 16-bit
 * PNG to 8 bits). Layout, little-endian: "ANPX", uint32 width, uint32 height, uint32 dtype
 * (1 = uint8, 2 = uint16, 3 = float32), then width * height samples, row-major.
 */
export type PixelArray = Uint8Array | Uint16Array | Float32Array;

export interface RawPixels {
  width: number;
  height: number;
  pixels: PixelArray;
}

const MAGIC = 0x58504e41; // "ANPX" read as a little-endian uint32
const HEADER_BYTES = 16;

function dtypeCode(pixels: PixelArray): number {
  if (pixels instanceof Uint8Array) return 1;
  if (pixels instanceof Uint16Array) return 2;
  return 3;
}

export function encodePixels({ width, height, pixels }: RawPixels): Uint8Array {
  if (pixels.length !== width * height) {
    throw new Error(`pixels: ${pixels.length} samples for a ${width} x ${height} image`);
  }
  const out = new Uint8Array(HEADER_BYTES + pixels.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, width, true);
  view.setUint32(8, height, true);
  view.setUint32(12, dtypeCode(pixels), true);
  out.set(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength), HEADER_BYTES);
  return out;
}

export function decodePixels(bytes: ArrayBuffer | Uint8Array): RawPixels {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (data.byteLength < HEADER_BYTES) throw new Error('pixels: truncated header');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('pixels: not an ANPX buffer');
  const width = view.getUint32(4, true);
  const height = view.getUint32(8, true);
  const code = view.getUint32(12, true);
  const bytesPerSample = { 1: 1, 2: 2, 3: 4 }[code];
  if (bytesPerSample === undefined) throw new Error(`pixels: unknown dtype ${code}`);
  const count = width * height;
  if (data.byteLength - HEADER_BYTES < count * bytesPerSample)
    throw new Error('pixels: truncated body');
  // Copy so the typed array is aligned and owns its memory, whatever buffer we were given.
  const body = new Uint8Array(count * bytesPerSample);
  body.set(data.subarray(HEADER_BYTES, HEADER_BYTES + body.byteLength));
  const pixels =
    code === 1 ? body : code === 2 ? new Uint16Array(body.buffer) : new Float32Array(body.buffer);
  return { width, height, pixels };
}
