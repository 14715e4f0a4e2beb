import { checkSameLength } from './checkShapes.ts';

/**
 * The raw residual of ALGORITHM.md: the per-pixel absolute difference |x - x_hat|, before any
 * smoothing, mask or normalisation (residualMap builds the settings' residual on it).
 */
export function absoluteResidual(input: Float32Array, reconstruction: Float32Array): Float32Array {
  checkSameLength(input, 'input', reconstruction, 'reconstruction');
  const map = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) map[i] = Math.abs(input[i] - reconstruction[i]);
  return map;
}
