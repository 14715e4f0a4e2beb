import { estimateBrainMask } from '../anomaly/brainMask.ts';
import { erode } from '../anomaly/morphology.ts';
import { gaussian } from '../nn/params.ts';

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
  const flip = random() < 0.5;
  const dx = Math.round((random() * 2 - 1) * 3);
  const dy = Math.round((random() * 2 - 1) * 3);
  const gain = 1 + (random() * 2 - 1) * 0.1;
  const out = new Float32Array(size * size).fill(-1);
  for (let y = 0; y < size; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= size) continue;
    for (let x = 0; x < size; x++) {
      let sx = x - dx;
      if (sx < 0 || sx >= size) continue;
      if (flip) sx = size - 1 - sx;
      const v = pixels[sy * size + sx];
      out[y * size + x] = Math.max(-1, Math.min(1, (v + 1) * gain - 1));
    }
  }
  return out;
}

/**
 * A synthetic lesion pasted into a healthy slice (an extra source of positives for the
 * classifier): a soft-edged ellipse inside the brain, brighter or darker than the tissue around.
 * `brain` keeps it there: brightness alone also admits the scalp, whose fat is the brightest
 * tissue of a T1 slice, and a lesion on the scalp teaches the classifier the wrong place.
 * Returns null when the slice has too little brain to place one.
 */
export function pasteSyntheticLesion(
  pixels: Float32Array,
  size: number,
  random: () => number,
  brain: Uint8Array = lesionRegion(pixels, size),
): Float32Array | null {
  const inside: number[] = [];
  for (let i = 0; i < pixels.length; i++) if (brain[i] && pixels[i] > -0.3) inside.push(i);
  if (inside.length < 50) return null;
  const centre = inside[Math.floor(random() * inside.length)];
  const cx = centre % size;
  const cy = Math.floor(centre / size);
  const scale = size / 64;
  const rx = (2 + random() * 6) * scale;
  const ry = (2 + random() * 6) * scale;
  const angle = random() * Math.PI;
  const contrast = (random() < 0.5 ? -1 : 1) * (0.3 + random() * 0.6);
  const texture = 0.05;
  const out = Float32Array.from(pixels);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  for (let y = Math.max(0, Math.floor(cy - 10 * scale)); y < Math.min(size, cy + 10 * scale); y++) {
    for (
      let x = Math.max(0, Math.floor(cx - 10 * scale));
      x < Math.min(size, cx + 10 * scale);
      x++
    ) {
      const u = ((x - cx) * cos + (y - cy) * sin) / rx;
      const v = (-(x - cx) * sin + (y - cy) * cos) / ry;
      const r2 = u * u + v * v;
      if (r2 >= 1.5 || !brain[y * size + x] || pixels[y * size + x] <= -0.5) continue;
      const weight = r2 < 1 ? 1 : (1.5 - r2) / 0.5;
      const value = pixels[y * size + x] + weight * (contrast + texture * gaussian(random));
      out[y * size + x] = Math.max(-1, Math.min(1, value));
    }
  }
  return out;
}

/**
 * Where synthetic lesions may go: the estimated brain mask, eroded by another size / 12 pixels.
 * That mask's edge sits just inside the scalp (right for anomaly maps), so its rim still holds
 * the skull and the inner scalp, which a lesion must not touch.
 */
export function lesionRegion(pixels: Float32Array, size: number): Uint8Array {
  return erode(estimateBrainMask(pixels, size), size, Math.max(1, Math.round(size / 12)));
}
