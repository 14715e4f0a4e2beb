import { describe, expect, it } from 'vitest';
import {
  preprocessSlice,
  resampleMaskToSlice,
  sliceToImage,
} from '../../../src-main/engine/anomaly/index.ts';
import { seededNormal } from '../metrics/seededRandom.ts';
import { headPhantom } from './headPhantom.ts';

/** A width x height image of `base` with a block of `value` over [x0, x1) x [y0, y1). */
function blockImage(
  width: number,
  height: number,
  base: number,
  value: number,
  [x0, x1, y0, y1]: [number, number, number, number],
): Uint8Array {
  const image = new Uint8Array(width * height).fill(base);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) image[y * width + x] = value;
  return image;
}

describe('preprocessSlice', () => {
  it('pads a wide image to a centred square with the background before resizing', () => {
    // 40 x 20, bright block over x 10..29, y 5..14: in the 40 x 40 square it sits at y 15..24.
    const image = blockImage(40, 20, 100, 200, [10, 30, 5, 15]);
    const { pixels, transform } = preprocessSlice(image, 40, 20, 20);
    expect(transform).toMatchObject({ side: 40, offsetX: 0, offsetY: 10, size: 20 });
    expect(transform).toMatchObject({ low: 100, high: 200 });
    expect(pixels).toHaveLength(400);
    for (let i = 0; i < 5 * 20; i++) expect(pixels[i]).toBe(-1); // padding rows
    expect(pixels[10 * 20 + 10]).toBeCloseTo(1, 6); // block centre, not squashed
    expect(pixels[10 * 20 + 4]).toBeCloseTo(pixels[10 * 20 + 15], 6); // still centred
    for (const value of pixels) {
      expect(value).toBeGreaterThanOrEqual(-1);
      expect(value).toBeLessThanOrEqual(1);
    }
  });

  it('makes a black-background 8-bit head and a noisy 16-bit one of the same head look alike', () => {
    const head = headPhantom(80, 'black');
    const eightBit = Uint8Array.from(head.image, (v) => Math.round((v + 1) * 127.5));
    const normal = seededNormal(5);
    const sixteenBit = Uint16Array.from(eightBit, (v) =>
      Math.max(0, Math.round(12 * v + 400 + 20 * normal())),
    );
    const a = preprocessSlice(eightBit, 80, 80, 32).pixels;
    const b = preprocessSlice(sixteenBit, 80, 80, 32).pixels;
    let meanDifference = 0;
    for (let i = 0; i < a.length; i++) meanDifference += Math.abs(a[i] - b[i]) / a.length;
    expect(meanDifference).toBeLessThan(0.03);
  });

  it('puts the noisy air of a fastMRI-like slice at -1, like the black air of IXI', () => {
    const head = headPhantom(64, 'noisy', 3);
    const raw = Uint8Array.from(head.image, (v) => Math.round((v + 1) * 127.5));
    const { pixels } = preprocessSlice(raw, 64, 64, 64);
    const air = pixels.filter((_, i) => head.background[i] === 1).sort();
    expect(raw[0]).toBeGreaterThan(0);
    expect(air[Math.floor(air.length / 2)]).toBe(-1);
  });

  it('maps minValue to -1 and maxValue to +1 when given', () => {
    const image = blockImage(20, 20, 50, 100, [5, 15, 5, 15]);
    const fixed = preprocessSlice(image, 20, 20, 20, { minValue: 0, maxValue: 200 });
    expect(fixed.pixels[0]).toBeCloseTo(-0.5, 6);
    expect(fixed.pixels[10 * 20 + 10]).toBeCloseTo(0, 6);
    expect(fixed.transform).toMatchObject({ low: 0, high: 200 });
  });

  it('maps maxValue to +1 when given instead of the bright percentile', () => {
    const image = blockImage(20, 20, 0, 100, [5, 15, 5, 15]);
    expect(preprocessSlice(image, 20, 20, 20).pixels[10 * 20 + 10]).toBeCloseTo(1, 6);
    const fixed = preprocessSlice(image, 20, 20, 20, { maxValue: 200 });
    expect(fixed.pixels[10 * 20 + 10]).toBeCloseTo(0, 6);
    expect(fixed.transform.high).toBe(200);
  });

  it('refuses a blank image and pixels that do not match the size', () => {
    expect(() => preprocessSlice(new Uint8Array(16).fill(7), 4, 4, 8)).toThrow(/blank/);
    expect(() => preprocessSlice(new Uint8Array(15), 4, 4, 8)).toThrow(/15 values, expected 4 x 4/);
  });
});

describe('resampleMaskToSlice', () => {
  // 100 x 50 image -> 100 x 100 square (offsetY 25) -> 10 x 10 slice: one slice pixel = 10 x 10.
  const image = blockImage(100, 50, 10, 200, [30, 70, 10, 40]);
  const { transform } = preprocessSlice(image, 100, 50, 10);

  it('maps a finding box to the slice pixels it covers', () => {
    // Box x 20..39, y 5..14 -> square y 30..39 -> slice row 3, columns 2 and 3.
    const box = blockImage(100, 50, 0, 1, [20, 40, 5, 15]);
    const slice = resampleMaskToSlice(box, 100, 50, transform);
    const marked = Array.from(slice.entries()).filter(([, v]) => v === 1);
    expect(marked.map(([i]) => i)).toEqual([32, 33]);
  });

  it('keeps a box smaller than one slice pixel as a single pixel', () => {
    const tiny = blockImage(100, 50, 0, 1, [50, 52, 25, 27]);
    const slice = resampleMaskToSlice(tiny, 100, 50, transform);
    expect(Array.from(slice.entries()).filter(([, v]) => v === 1)).toEqual([[55, 1]]);
    expect(
      resampleMaskToSlice(new Uint8Array(5000), 100, 50, transform).every((v) => v === 0),
    ).toBe(true);
  });

  it('refuses a mask with another geometry than the image', () => {
    expect(() => resampleMaskToSlice(new Uint8Array(2500), 50, 50, transform)).toThrow(
      /50 x 50 but the slice was made from a 100 x 50 image/,
    );
  });
});

describe('sliceToImage', () => {
  const { transform } = preprocessSlice(
    blockImage(100, 50, 10, 200, [30, 70, 10, 40]),
    100,
    50,
    20,
  );

  it('maps a slice map back onto the original image geometry', () => {
    // Slice rows 6-7, columns 4-5 (5 x 5 square pixels each) = image x 20..29, y 5..14.
    const map = new Float32Array(400);
    for (const [row, col] of [
      [6, 4],
      [6, 5],
      [7, 4],
      [7, 5],
    ]) {
      map[row * 20 + col] = 1;
    }
    const back = sliceToImage(map, transform);
    expect(back).toHaveLength(100 * 50);
    expect(back[10 * 100 + 25]).toBeCloseTo(1, 6);
    expect(back[40 * 100 + 60]).toBe(0);
  });

  it('keeps a constant map constant and refuses a map of another size', () => {
    const back = sliceToImage(new Float32Array(400).fill(0.25), transform);
    expect(back.every((v) => Math.abs(v - 0.25) < 1e-6)).toBe(true);
    expect(() => sliceToImage(new Float32Array(100), transform)).toThrow(/expected 20 x 20/);
  });
});
