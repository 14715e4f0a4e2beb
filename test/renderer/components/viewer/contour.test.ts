import { describe, expect, it } from 'vitest';
import { maskContour } from '../../../../src-renderer/components/viewer/contour.ts';

/** The segments as readable strings, sorted. */
const drawn = (s: number[]) =>
  Array.from({ length: s.length / 4 }, (_, k) => s.slice(4 * k, 4 * k + 4).join(',')).sort();

describe('maskContour', () => {
  it('outlines a filled square by its four sides, placed on the image', () => {
    const s = maskContour({ width: 2, height: 2, values: [1, 1, 1, 1], x: 5, y: 7 });
    expect(drawn(s)).toEqual(['5,7,5,9', '5,7,7,7', '5,9,7,9', '7,7,7,9'].sort());
  });

  it('follows a plus sign around its notches, not its bounding box', () => {
    const plus = [0, 1, 0, 1, 1, 1, 0, 1, 0];
    const s = maskContour({ width: 3, height: 3, values: plus });
    // 12 unit edges, none of them on the bounding box's corners.
    expect(s.length / 4).toBe(12);
    expect(drawn(s)).not.toContain('0,0,1,0');
    expect(drawn(s)).toContain('1,0,2,0');
    expect(drawn(s)).toContain('0,1,1,1');
  });

  it('is empty for an empty mask and refuses a wrong size', () => {
    expect(maskContour({ width: 2, height: 1, values: [0, 0] })).toEqual([]);
    expect(() => maskContour({ width: 2, height: 2, values: [1] })).toThrow(/1 values for 2 x 2/);
  });
});
