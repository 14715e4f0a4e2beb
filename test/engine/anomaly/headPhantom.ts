import { seededNormal } from '../metrics/seededRandom.ts';

export interface HeadPhantom {
  size: number;
  image: Float32Array;
  /** The brain ellipse (with its ventricles). */
  brain: Uint8Array;
  /** The bright scalp ring around the dark skull ring. */
  scalp: Uint8Array;
  /** Everything outside the head. */
  background: Uint8Array;
}

/**
 * A synthetic axial slice in [-1, 1]: a brain ellipse with dark ventricles, a dark skull ring
 * (2 px), a bright scalp ring (2 px) and a background that is either black (IXI-like) or noisy
 * with a bright scanner label in a corner (fastMRI-like).
 */
export function headPhantom(size: number, background: 'black' | 'noisy', seed = 1): HeadPhantom {
  const normal = seededNormal(seed);
  const [a, b] = [0.28 * size, 0.34 * size];
  const centre = size / 2 - 0.5;
  const inEllipse = (x: number, y: number, ra: number, rb: number) =>
    ((x - centre) / ra) ** 2 + ((y - centre) / rb) ** 2 <= 1;
  const image = new Float32Array(size * size);
  const brain = new Uint8Array(size * size);
  const scalp = new Uint8Array(size * size);
  const outside = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const tissueNoise = 0.05 * normal();
      if (inEllipse(x, y, 0.12 * size, 0.08 * size)) {
        image[i] = -0.4 + tissueNoise; // ventricles: dark, but inside the brain
        brain[i] = 1;
      } else if (inEllipse(x, y, a, b)) {
        image[i] = 0.5 + tissueNoise;
        brain[i] = 1;
      } else if (inEllipse(x, y, a + 2, b + 2)) {
        image[i] = -0.8 + tissueNoise; // skull
      } else if (inEllipse(x, y, a + 4, b + 4)) {
        image[i] = 0.8 + tissueNoise;
        scalp[i] = 1;
      } else {
        image[i] = background === 'black' ? -1 : -0.9 + 0.05 * normal();
        outside[i] = 1;
      }
    }
  }
  if (background === 'noisy') {
    for (let y = 1; y < 4; y++) for (let x = 1; x < 7; x++) image[y * size + x] = 0.9;
  }
  for (let i = 0; i < image.length; i++) image[i] = Math.min(1, Math.max(-1, image[i]));
  return { size, image, brain, scalp, background: outside };
}

/** Fraction of the region's pixels that the mask covers. */
export function coverage(mask: Uint8Array, region: Uint8Array): number {
  let inRegion = 0;
  let covered = 0;
  for (let i = 0; i < region.length; i++) {
    if (!region[i]) continue;
    inRegion++;
    if (mask[i]) covered++;
  }
  return covered / inRegion;
}
