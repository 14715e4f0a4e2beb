import type { Pixels, ValueScale } from '../../pixels.ts';

export interface SampleFormat {
  width: number;
  height: number;
  bitsAllocated: 8 | 16;
  bitsStored: number;
  signed: boolean;
  rescaleSlope: number;
  rescaleIntercept: number;
}

/**
 * Turns one frame of native little-endian samples into stored pixels. Signed samples are
 * shifted up by their minimum so they fit an unsigned PNG; the shift goes into the value scale
 * (with the DICOM rescale), so `stored * valueSlope + valueIntercept` is the real value.
 */
export function framePixels(bytes: Uint8Array, format: SampleFormat): Pixels & ValueScale {
  const count = format.width * format.height;
  const bytesPerSample = format.bitsAllocated / 8;
  if (bytes.length < count * bytesPerSample) {
    throw new Error(`pixel data holds ${bytes.length} bytes, ${count * bytesPerSample} needed`);
  }
  const raw = new Int32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const usedBits = format.bitsStored;
  const mask = usedBits >= 32 ? 0xffffffff : 2 ** usedBits - 1;
  const signBit = 2 ** (usedBits - 1);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    let value = (bytesPerSample === 2 ? view.getUint16(i * 2, true) : bytes[i]) & mask;
    if (format.signed && value >= signBit) value -= 2 * signBit;
    raw[i] = value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const shift = min < 0 ? -min : 0;
  const bitDepth: 8 | 16 = max + shift <= 255 && format.bitsAllocated === 8 ? 8 : 16;
  const pixels = bitDepth === 8 ? new Uint8Array(count) : new Uint16Array(count);
  for (let i = 0; i < count; i++) pixels[i] = raw[i] + shift;
  return {
    width: format.width,
    height: format.height,
    bitDepth,
    pixels,
    valueSlope: format.rescaleSlope,
    valueIntercept: format.rescaleIntercept - shift * format.rescaleSlope,
  };
}

export function swapBytes16(bytes: Uint8Array): Uint8Array {
  const swapped = new Uint8Array(bytes.length);
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    swapped[i] = bytes[i + 1];
    swapped[i + 1] = bytes[i];
  }
  return swapped;
}
