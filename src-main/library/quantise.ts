import type { FloatImage, QuantisationScale } from './types.ts';
import type { Pixels } from './pixels.ts';

const levels = 65535;

/**
 * Stores a float image as 16-bit: value = min + stored / 65535 * (max - min). The error is at
 * most (max - min) / 131070, far below what a heat map or a reconstruction can show.
 */
export function quantiseFloatImage(image: FloatImage): {
  pixels: Pixels;
  scale: QuantisationScale;
} {
  if (image.values.length !== image.width * image.height) {
    throw new Error(
      `float image holds ${image.values.length} values, expected ${image.width} x ${image.height}`,
    );
  }
  let min = Infinity;
  let max = -Infinity;
  for (const value of image.values) {
    if (!Number.isFinite(value)) throw new Error('float image contains NaN or infinite values');
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (image.values.length === 0) [min, max] = [0, 0];
  const range = max - min;
  const stored = new Uint16Array(image.values.length);
  if (range > 0) {
    for (let i = 0; i < stored.length; i++) {
      stored[i] = Math.round(((image.values[i] - min) / range) * levels);
    }
  }
  return {
    pixels: { width: image.width, height: image.height, bitDepth: 16, pixels: stored },
    scale: { min, max },
  };
}

export function dequantise(pixels: Pixels, scale: QuantisationScale): FloatImage {
  const step = (scale.max - scale.min) / levels;
  const values = new Float32Array(pixels.pixels.length);
  for (let i = 0; i < values.length; i++) values[i] = scale.min + pixels.pixels[i] * step;
  return { width: pixels.width, height: pixels.height, values };
}
