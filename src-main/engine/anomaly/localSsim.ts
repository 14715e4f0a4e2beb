import { checkSameLength } from './checkShapes.ts';
import { gaussianSmooth } from './gaussianSmooth.ts';

/**
 * The local SSIM map of two S x S images (Wang et al. 2004) with a Gaussian window of `sigma`
 * pixels (taps beyond the border dropped and renormalised, as gaussianSmooth does):
 *   SSIM = (2 mu_a mu_b + c1)(2 cov_ab + c2) / ((mu_a^2 + mu_b^2 + c1)(var_a + var_b + c2)),
 * with c1 = (0.01 R)^2, c2 = (0.03 R)^2 and R the data range (2 for intensities in [-1, 1]).
 * Values lie in [-1, 1]; 1 where both images agree in mean, contrast and structure.
 */
export function localSsim(
  a: Float32Array,
  b: Float32Array,
  size: number,
  sigma = 1.5,
  dataRange = 2,
): Float32Array {
  checkSameLength(a, 'first image', b, 'second image');
  if (!(sigma > 0)) throw new RangeError(`localSsim: sigma must be > 0, got ${sigma}`);
  const c1 = (0.01 * dataRange) ** 2;
  const c2 = (0.03 * dataRange) ** 2;
  const window = (values: Float32Array) => gaussianSmooth(values, size, sigma);
  const muA = window(a);
  const muB = window(b);
  const meanAA = window(a.map((v) => v * v));
  const meanBB = window(b.map((v) => v * v));
  const meanAB = window(a.map((v, i) => v * b[i]));
  const ssim = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const varA = meanAA[i] - muA[i] * muA[i];
    const varB = meanBB[i] - muB[i] * muB[i];
    const cov = meanAB[i] - muA[i] * muB[i];
    ssim[i] =
      ((2 * muA[i] * muB[i] + c1) * (2 * cov + c2)) /
      ((muA[i] * muA[i] + muB[i] * muB[i] + c1) * (varA + varB + c2));
  }
  return ssim;
}
