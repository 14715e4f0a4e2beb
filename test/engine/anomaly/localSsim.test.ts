import { describe, expect, it } from 'vitest';
import { localSsim } from '../../../src-main/engine/anomaly/localSsim.ts';
import { residualMap } from '../../../src-main/engine/anomaly/residualMap.ts';
import { mulberry32 } from '../../../src-main/engine/random.ts';

/**
 * A second implementation: for every pixel, the Gaussian-weighted window statistics computed
 * directly in 2-D (float64), weights truncated at 3 sigma and renormalised over the taps inside
 * the image, then the SSIM formula.
 */
function directSsim(a: Float32Array, b: Float32Array, size: number, sigma: number, range = 2) {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const [c1, c2] = [(0.01 * range) ** 2, (0.03 * range) ** 2];
  const out = new Float64Array(size * size);
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) {
      let [w, ma, mb, aa, bb, ab] = [0, 0, 0, 0, 0, 0];
      for (let dr = -radius; dr <= radius; dr++)
        for (let dc = -radius; dc <= radius; dc++) {
          const [rr, cc] = [r + dr, c + dc];
          if (rr < 0 || rr >= size || cc < 0 || cc >= size) continue;
          const weight = Math.exp(-(dr * dr + dc * dc) / (2 * sigma * sigma));
          const [x, y] = [a[rr * size + cc], b[rr * size + cc]];
          w += weight;
          ma += weight * x;
          mb += weight * y;
          aa += weight * x * x;
          bb += weight * y * y;
          ab += weight * x * y;
        }
      [ma, mb, aa, bb, ab] = [ma / w, mb / w, aa / w, bb / w, ab / w];
      const cov = ab - ma * mb;
      out[r * size + c] =
        ((2 * ma * mb + c1) * (2 * cov + c2)) /
        ((ma * ma + mb * mb + c1) * (aa - ma * ma + bb - mb * mb + c2));
    }
  return out;
}

const size = 12;
const random = mulberry32(3);
const noiseImage = () => Float32Array.from({ length: size * size }, () => random() * 2 - 1);

describe('localSsim', () => {
  it('agrees with a direct 2-D windowed computation', () => {
    const a = noiseImage();
    const b = a.map((v, i) => 0.7 * v + 0.3 * Math.sin(i));
    const fast = localSsim(a, b, size, 1.5);
    const direct = directSsim(a, b, size, 1.5);
    for (let i = 0; i < fast.length; i++) expect(fast[i]).toBeCloseTo(direct[i], 4);
  });

  it('is 1 for identical images and the closed form for constant ones', () => {
    const a = noiseImage();
    for (const v of localSsim(a, a, size)) expect(v).toBeCloseTo(1, 5);
    // Constant c and d: no variance, so SSIM = (2cd + c1) / (c^2 + d^2 + c1), c1 = 0.02^2.
    const [c, d, c1] = [0.5, -0.25, 0.0004];
    const expected = (2 * c * d + c1) / (c * c + d * d + c1);
    const ssim = localSsim(new Float32Array(144).fill(c), new Float32Array(144).fill(d), size);
    for (const v of ssim) expect(v).toBeCloseTo(expected, 5);
  });

  it('refuses images of different sizes', () => {
    expect(() => localSsim(new Float32Array(144), new Float32Array(143), size)).toThrow(
      /first image has 144 values but second image has 143/,
    );
  });
});

describe('residualMap', () => {
  it('is |x - x_hat| for l1 and |x - x_hat| (1 - SSIM) for l1-ssim', () => {
    const a = noiseImage();
    const b = a.map((v, i) => (i % 7 === 0 ? -v : v));
    const l1 = residualMap(a, b, size, 'l1');
    const structural = residualMap(a, b, size, 'l1-ssim');
    const ssim = directSsim(a, b, size, 1.5);
    for (let i = 0; i < l1.length; i++) {
      expect(l1[i]).toBeCloseTo(Math.abs(a[i] - b[i]), 6);
      expect(structural[i]).toBeCloseTo(Math.abs(a[i] - b[i]) * (1 - ssim[i]), 4);
    }
    expect(Math.max(...residualMap(a, a, size, 'l1-ssim'))).toBe(0);
  });
});
