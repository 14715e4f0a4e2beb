import { describe, expect, it } from 'vitest';
import {
  absoluteResidual,
  binarize,
  maskMap,
  valuesInMask,
} from '../../../src-main/engine/anomaly/index.ts';

const f32 = (values: number[]) => Float32Array.from(values);

describe('absoluteResidual', () => {
  it('is the absolute difference between input and reconstruction', () => {
    expect(Array.from(absoluteResidual(f32([0.5, -1, 0, 1]), f32([0.25, -0.5, 0, -1])))).toEqual([
      0.25, 0.5, 0, 2,
    ]);
  });

  it('refuses a reconstruction of another size', () => {
    expect(() => absoluteResidual(new Float32Array(4), new Float32Array(9))).toThrow(
      /input has 4 values but reconstruction has 9/,
    );
  });
});

describe('maskMap, valuesInMask and binarize', () => {
  const map = f32([0.1, 0.9, 0.5, 0.7]);
  const mask = Uint8Array.from([1, 0, 1, 1]);

  it('zeroes the map outside the mask', () => {
    expect(Array.from(maskMap(map, mask))).toEqual([map[0], 0, map[2], map[3]]);
  });

  it('lists the values inside the mask in pixel order', () => {
    expect(Array.from(valuesInMask(map, mask))).toEqual([map[0], map[2], map[3]]);
  });

  it('marks values strictly above the threshold', () => {
    expect(Array.from(binarize(map, map[2]))).toEqual([0, 1, 0, 1]);
  });
});
