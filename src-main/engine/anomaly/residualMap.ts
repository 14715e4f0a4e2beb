import { absoluteResidual } from './absoluteResidual.ts';
import type { Residual } from '../types.ts';
import { localSsim } from './localSsim.ts';

/** The Gaussian window (pixels) of the local SSIM in 'l1-ssim'. */
export const SSIM_WINDOW_SIGMA = 1.5;

/**
 * The residual between a slice and its reconstruction (before smoothing and the brain mask), in
 * the units of intensities in [-1, 1]:
 * - 'l1': |x - x_hat|, values in [0, 2];
 * - 'l1-ssim': |x - x_hat| * (1 - SSIM(x, x_hat)) with a Gaussian window of 1.5 px, values in
 *   [0, 4] (in practice below 2): the L1 residual kept only where the local structure changed,
 *   so a reconstruction that reproduces texture slightly off is charged less than a changed shape.
 */
export function residualMap(
  input: Float32Array,
  reconstruction: Float32Array,
  size: number,
  residual: Residual = 'l1',
): Float32Array {
  const l1 = absoluteResidual(input, reconstruction);
  if (residual === 'l1') return l1;
  const ssim = localSsim(input, reconstruction, size, SSIM_WINDOW_SIGMA);
  return l1.map((v, i) => v * (1 - ssim[i]));
}
