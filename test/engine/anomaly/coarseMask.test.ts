import { describe, expect, it } from 'vitest';
import { coarseMask, dilate } from '../../../src-main/engine/anomaly/index.ts';

const size = 7;
const at = (row: number, col: number) => row * size + col;

describe('dilate', () => {
  it('grows a pixel into the disk of the radius, clipped at the border', () => {
    const mask = new Uint8Array(size * size);
    mask[at(3, 3)] = 1;
    mask[at(0, 0)] = 1;
    const grown = dilate(mask, size, 1);
    // A radius-1 disk is the pixel and its 4 neighbours; the corner keeps 3 inside the image.
    expect(grown.reduce((a, b) => a + b, 0)).toBe(5 + 3);
    for (const [r, c] of [
      [2, 3],
      [4, 3],
      [3, 2],
      [3, 4],
      [0, 1],
      [1, 0],
    ])
      expect(grown[at(r, c)]).toBe(1);
    expect(grown[at(2, 2)]).toBe(0);
    expect(dilate(mask, size, 0)).toEqual(mask);
  });
});

describe('coarseMask', () => {
  it('marks map > threshold, dilates it and keeps it inside the brain', () => {
    const map = new Float32Array(size * size);
    map[at(3, 3)] = 0.5;
    map[at(3, 5)] = 0.2; // at the threshold: not marked
    const brain = Uint8Array.from({ length: size * size }, (_, i) => (i % size <= 3 ? 1 : 0));
    const mask = coarseMask(map, brain, size, 0.2, 1);
    const marked = [...mask.keys()].filter((i) => mask[i]);
    expect(marked).toEqual([at(2, 3), at(3, 2), at(3, 3), at(4, 3)]);
  });
});
