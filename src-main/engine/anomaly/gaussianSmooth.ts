import { checkSquare } from './checkShapes.ts';

/** Normalised 1-D Gaussian taps over [-radius, radius], radius = ceil(3 sigma). */
function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float64Array(2 * radius + 1);
  for (let k = -radius; k <= radius; k++)
    kernel[k + radius] = Math.exp(-(k * k) / (2 * sigma * sigma));
  return kernel;
}

/**
 * One pass along rows (step 1) or columns (step size). Taps falling outside the image are dropped
 * and the rest renormalised, so borders are neither darkened (zero padding) nor smeared
 * (edge replication).
 */
function smoothAxis(input: Float32Array, size: number, kernel: Float64Array, alongRows: boolean) {
  const radius = (kernel.length - 1) / 2;
  const output = new Float32Array(input.length);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const position = alongRows ? col : row;
      let sum = 0;
      let weight = 0;
      for (let k = Math.max(-radius, -position); k <= Math.min(radius, size - 1 - position); k++) {
        const index = alongRows ? row * size + col + k : (row + k) * size + col;
        sum += kernel[k + radius] * input[index];
        weight += kernel[k + radius];
      }
      output[row * size + col] = sum / weight;
    }
  }
  return output;
}

/** Separable Gaussian smoothing of an S x S map; sigma in pixels, 0 returns a copy. */
export function gaussianSmooth(map: Float32Array, size: number, sigma: number): Float32Array {
  checkSquare(map, size, 'map');
  if (!(sigma >= 0) || !Number.isFinite(sigma)) {
    throw new RangeError(`sigma must be a finite number >= 0, got ${sigma}`);
  }
  if (sigma === 0) return map.slice();
  const kernel = gaussianKernel(sigma);
  return smoothAxis(smoothAxis(map, size, kernel, true), size, kernel, false);
}
