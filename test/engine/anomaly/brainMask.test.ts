import { describe, expect, it } from 'vitest';
import {
  erode,
  estimateBrainMask,
  fillHoles,
  largestComponent,
} from '../../../src-main/engine/anomaly/index.ts';
import { coverage, headPhantom } from './headPhantom.ts';

describe('estimateBrainMask', () => {
  for (const background of ['black', 'noisy'] as const) {
    for (const size of [64, 128]) {
      it(`covers the brain and leaves out the ${background} background and the scalp at ${size} px`, () => {
        const head = headPhantom(size, background, size);
        const mask = estimateBrainMask(head.image, size);
        expect(coverage(mask, head.brain)).toBeGreaterThan(0.95);
        expect(coverage(mask, head.background)).toBeLessThan(0.02);
        expect(coverage(mask, head.scalp)).toBeLessThan(0.25);
      });
    }
  }

  it('includes the dark ventricles inside the brain', () => {
    const head = headPhantom(64, 'black');
    const mask = estimateBrainMask(head.image, 64);
    const centre = 32 * 64 + 32;
    expect(head.image[centre]).toBeLessThan(0);
    expect(mask[centre]).toBe(1);
  });

  it('leaves out the bright scanner label in the background corner', () => {
    const head = headPhantom(64, 'noisy');
    const mask = estimateBrainMask(head.image, 64, { erosion: 0 });
    expect(mask[2 * 64 + 3]).toBe(0);
  });

  it('follows an explicit threshold and erosion', () => {
    const head = headPhantom(64, 'black');
    const unEroded = estimateBrainMask(head.image, 64, { erosion: 0 });
    const eroded = estimateBrainMask(head.image, 64, { erosion: 3 });
    expect(eroded.reduce((sum, v) => sum + v, 0)).toBeLessThan(
      unEroded.reduce((sum, v) => sum + v, 0),
    );
    expect(estimateBrainMask(head.image, 64, { threshold: 2 }).every((v) => v === 0)).toBe(true);
  });

  it('refuses an image whose length does not match the size', () => {
    expect(() => estimateBrainMask(new Float32Array(10), 4)).toThrow(/10 values, expected 16/);
  });
});

describe('binary morphology', () => {
  // 5 x 5: a 3 x 3 ring (hole at its centre) and a separate single pixel.
  const ring = Uint8Array.from([
    1, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
  ]);

  it('keeps only the largest 4-connected component', () => {
    const largest = largestComponent(ring, 5);
    expect(largest[24]).toBe(0);
    expect(largest.reduce((sum, v) => sum + v, 0)).toBe(8);
  });

  it('fills holes that the background cannot reach from the border', () => {
    const filled = fillHoles(ring, 5);
    expect(filled[6]).toBe(1);
    expect(filled[3]).toBe(0);
  });

  it('erodes a 3 x 3 square to its centre with a radius-1 disk', () => {
    const square = fillHoles(largestComponent(ring, 5), 5);
    const eroded = erode(square, 5, 1);
    expect(Array.from(eroded.entries()).filter(([, v]) => v === 1)).toEqual([[6, 1]]);
  });
});
