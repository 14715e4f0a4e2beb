import { describe, expect, it } from 'vitest';
import { captionHeight, drawCaption } from '../../../src-main/library/export/caption.ts';

/** The strip as rows of '#' (lit) and '.' for reading the glyphs by eye. */
function rows(strip: Uint8Array, width: number): string[] {
  const out: string[] = [];
  for (let y = 0; y < strip.length / width; y++)
    out.push([...strip.subarray(y * width, (y + 1) * width)].map((v) => (v ? '#' : '.')).join(''));
  return out;
}

describe('caption strip', () => {
  it('draws "T=1" in the 3x5 font, one pixel in, glyphs four pixels apart', () => {
    expect(rows(drawCaption('T=1', 13, 1), 13)).toEqual([
      '.............',
      '.###......#..',
      '..#..###.##..',
      '..#.......#..',
      '..#..###..#..',
      '..#......###.',
      '.............',
    ]);
  });

  it('scales each glyph pixel to a square, clips at the edge, and draws unknown characters blank', () => {
    const strip = drawCaption('1?', 5, 2);
    expect(strip).toHaveLength(5 * captionHeight(2));
    expect(rows(strip, 5).slice(0, 4)).toEqual(['.....', '.....', '....#', '....#']);
    expect(drawCaption('?', 8, 1).every((v) => v === 0)).toBe(true);
  });
});
