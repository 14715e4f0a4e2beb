/**
 * Synthetic anomalies with pixel-exact masks, pasted into healthy slices as extra positives for
 * the classifier (ALGORITHM.md, "Training"; issue 11). Every kind changes the slice through a
 * soft weight w in [0, 1] that is 0 outside an irregular blob and outside the allowed region
 * (the brain, eroded off the scalp); the mask is exactly w > 0, and no pixel outside it changes.
 * - 'ellipse': a soft ellipse brighter or darker than the tissue (the original lesion);
 * - 'intensity': an irregular blob brighter or darker;
 * - 'texture': smoothed noise of a random grain added inside the blob (texture change);
 * - 'patch': the same-shaped region of another healthy brain blended in;
 * - 'deformation': the tissue inside the blob pushed outwards or pulled inwards (mass effect).
 */
import { gaussian } from '../random.ts';
import { gaussianSmooth } from '../anomaly/gaussianSmooth.ts';

export const SYNTHETIC_KINDS = ['ellipse', 'intensity', 'texture', 'patch', 'deformation'] as const;
export type SyntheticKind = (typeof SYNTHETIC_KINDS)[number];

export interface SyntheticAnomaly {
  kind: SyntheticKind;
  pixels: Float32Array;
  /** 1 exactly where the slice was changed (may include pixels changed by a tiny amount). */
  mask: Uint8Array;
}

/** Tissue, not background: where a blob may be centred. */
const TISSUE_LEVEL = -0.3;

interface Blob {
  cx: number;
  cy: number;
  /** Weight per pixel, 0 outside the blob or the region. */
  weight: Float32Array;
}

/**
 * An irregular blob: an ellipse whose radius varies with the angle by a few low harmonics
 * (none for 'ellipse'), full weight inside 0.8 r(angle) and a linear edge out to 1.2 r(angle).
 */
function drawBlob(
  pixels: Float32Array,
  size: number,
  region: Uint8Array,
  random: () => number,
  irregular: boolean,
): Blob | null {
  const inside: number[] = [];
  for (let i = 0; i < pixels.length; i++) if (region[i] && pixels[i] > TISSUE_LEVEL) inside.push(i);
  if (inside.length < 50) return null;
  const centre = inside[Math.floor(random() * inside.length)];
  const [cx, cy] = [centre % size, Math.floor(centre / size)];
  const scale = size / 64;
  const [rx, ry] = [(2 + random() * 6) * scale, (2 + random() * 6) * scale];
  const angle = random() * Math.PI;
  const harmonics = irregular
    ? [2, 3, 4].map((k) => ({ k, a: random() * 0.25, phase: random() * 2 * Math.PI }))
    : [];
  const weight = new Float32Array(size * size);
  const reach = Math.ceil(1.6 * Math.max(rx, ry));
  for (let y = Math.max(0, cy - reach); y <= Math.min(size - 1, cy + reach); y++)
    for (let x = Math.max(0, cx - reach); x <= Math.min(size - 1, cx + reach); x++) {
      if (!region[y * size + x]) continue;
      const [dx, dy] = [x - cx, y - cy];
      const u = (dx * Math.cos(angle) + dy * Math.sin(angle)) / rx;
      const v = (-dx * Math.sin(angle) + dy * Math.cos(angle)) / ry;
      const theta = Math.atan2(v, u);
      const radius = 1 + harmonics.reduce((s, h) => s + h.a * Math.cos(h.k * theta + h.phase), 0);
      const r = Math.hypot(u, v) / radius;
      weight[y * size + x] = r <= 0.8 ? 1 : r < 1.2 ? (1.2 - r) / 0.4 : 0;
    }
  return { cx, cy, weight };
}

/** The value of `pixels` at (x, y) by bilinear interpolation, background (-1) outside. */
function sampleAt(pixels: Float32Array, size: number, x: number, y: number): number {
  const [x0, y0] = [Math.floor(x), Math.floor(y)];
  const at = (xx: number, yy: number) =>
    xx < 0 || yy < 0 || xx >= size || yy >= size ? -1 : pixels[yy * size + xx];
  const [fx, fy] = [x - x0, y - y0];
  return (
    (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) +
    fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1))
  );
}

/** The changed value of one pixel for each kind, given its weight w > 0. */
function changeOf(
  kind: SyntheticKind,
  base: Float32Array,
  size: number,
  blob: Blob,
  random: () => number,
  donor: Float32Array | null,
): (i: number, w: number) => number {
  if (kind === 'ellipse' || kind === 'intensity') {
    const contrast = (random() < 0.5 ? -1 : 1) * (0.3 + random() * 0.6);
    return (i, w) => base[i] + w * (contrast + 0.05 * gaussian(random));
  }
  if (kind === 'texture') {
    const grain = 0.5 + random();
    const amplitude = 0.3 + random() * 0.4;
    const noise = gaussianSmooth(
      Float32Array.from({ length: size * size }, () => gaussian(random)),
      size,
      grain,
    );
    const spread = Math.sqrt(noise.reduce((s, v) => s + v * v, 0) / noise.length) || 1;
    return (i, w) => base[i] + w * amplitude * (noise[i] / spread);
  }
  if (kind === 'patch') {
    if (!donor) throw new Error("synthetic anomaly 'patch' needs a donor slice");
    // The donor's tissue around a random tissue point of its own (anywhere in its brain, so
    // a ventricle may land in white matter), moved onto the blob.
    const tissue: number[] = [];
    for (let i = 0; i < donor.length; i++) if (donor[i] > TISSUE_LEVEL) tissue.push(i);
    const from = tissue.length
      ? tissue[Math.floor(random() * tissue.length)]
      : blob.cy * size + blob.cx;
    const [ox, oy] = [(from % size) - blob.cx, Math.floor(from / size) - blob.cy];
    return (i, w) => {
      const d = sampleAt(donor, size, (i % size) + ox, Math.floor(i / size) + oy);
      return (1 - w) * base[i] + w * d;
    };
  }
  // 'deformation': sample from c + (p - c)(1 - s w): s > 0 pushes tissue outwards (a mass).
  const strength = (random() < 0.5 ? -1 : 1) * (0.4 + random() * 0.4);
  return (i, w) => {
    const [x, y] = [i % size, Math.floor(i / size)];
    const f = 1 - strength * w;
    return sampleAt(base, size, blob.cx + (x - blob.cx) * f, blob.cy + (y - blob.cy) * f);
  };
}

/**
 * One synthetic anomaly of the given kind in `base`, kept inside `region`; null when the slice
 * has too little tissue there. `donor` (another healthy slice) is needed for 'patch'.
 */
export function syntheticAnomaly(
  kind: SyntheticKind,
  base: Float32Array,
  size: number,
  region: Uint8Array,
  random: () => number,
  donor: Float32Array | null = null,
): SyntheticAnomaly | null {
  if (base.length !== size * size || region.length !== size * size)
    throw new RangeError(
      `synthetic anomaly: slice has ${base.length} pixels, region ${region.length}, expected ${size * size}`,
    );
  const blob = drawBlob(base, size, region, random, kind !== 'ellipse');
  if (!blob) return null;
  const change = changeOf(kind, base, size, blob, random, donor);
  const pixels = Float32Array.from(base);
  const mask = new Uint8Array(size * size);
  for (let i = 0; i < pixels.length; i++) {
    const w = blob.weight[i];
    if (w <= 0) continue;
    mask[i] = 1;
    pixels[i] = Math.max(-1, Math.min(1, change(i, w)));
  }
  return { kind, pixels, mask };
}
