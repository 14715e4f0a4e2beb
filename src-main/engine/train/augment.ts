import { estimateBrainMask } from '../anomaly/brainMask.ts';
import { erode } from '../anomaly/morphology.ts';

/** One draw of the light augmentation: a left-right flip, a shift and a contrast gain. */
export interface Augmentation {
  flip: boolean;
  dx: number;
  dy: number;
  gain: number;
}

export function drawAugmentation(random: () => number): Augmentation {
  const flip = random() < 0.5;
  const dx = Math.round((random() * 2 - 1) * 3);
  const dy = Math.round((random() * 2 - 1) * 3);
  const gain = 1 + (random() * 2 - 1) * 0.1;
  return { flip, dx, dy, gain };
}

/**
 * Moves an S x S grid by the augmentation's flip and shift; `value` maps each moved value (the
 * gain for slices, identity for masks) and `fill` is what shifts in from outside.
 */
function moveGrid<T extends Float32Array | Uint8Array>(
  source: T,
  size: number,
  { flip, dx, dy }: Augmentation,
  out: T,
  value: (v: number) => number,
): T {
  for (let y = 0; y < size; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= size) continue;
    for (let x = 0; x < size; x++) {
      let sx = x - dx;
      if (sx < 0 || sx >= size) continue;
      if (flip) sx = size - 1 - sx;
      out[y * size + x] = value(source[sy * size + sx]);
    }
  }
  return out;
}

/** The augmentation applied to a slice; the background (-1) stays background. */
export function applyAugmentation(
  pixels: Float32Array,
  size: number,
  augmentation: Augmentation,
): Float32Array {
  const { gain } = augmentation;
  return moveGrid(pixels, size, augmentation, new Float32Array(size * size).fill(-1), (v) =>
    Math.max(-1, Math.min(1, (v + 1) * gain - 1)),
  );
}

/** The same flip and shift applied to a mask, so it stays pixel-exact on the augmented slice. */
export function applyAugmentationToMask(
  mask: Uint8Array,
  size: number,
  augmentation: Augmentation,
): Uint8Array {
  return moveGrid(mask, size, augmentation, new Uint8Array(size * size), (v) => v);
}

/**
 * Light augmentation of a preprocessed S x S slice, the same for both networks: a left-right
 * flip (axial brains are near-symmetric), a shift of a few pixels and a small contrast change.
 * The background (-1) stays background.
 */
export function augmentSlice(
  pixels: Float32Array,
  size: number,
  random: () => number,
): Float32Array {
  return applyAugmentation(pixels, size, drawAugmentation(random));
}

/**
 * Where synthetic lesions may go: the estimated brain mask, eroded by another size / 12 pixels.
 * That mask's edge sits just inside the scalp (right for anomaly maps), so its rim still holds
 * the skull and the inner scalp, which a lesion must not touch.
 */
export function lesionRegion(pixels: Float32Array, size: number): Uint8Array {
  return erode(estimateBrainMask(pixels, size), size, Math.max(1, Math.round(size / 12)));
}
