/**
 * A caption strip drawn with a 3x5 pixel font (the few letters, digits and signs the chain GIF
 * needs), white on black, so a GIF shows each frame's phase and t without a font library.
 */

/** Each glyph: five rows of three pixels, 1 = lit. */
const GLYPHS: Record<string, string> = {
  '0': '111101101101111',
  '1': '010110010010111',
  '2': '111001111100111',
  '3': '111001111001111',
  '4': '101101111001001',
  '5': '111100111001111',
  '6': '111100111101111',
  '7': '111001001001001',
  '8': '111101111101111',
  '9': '111101111001111',
  A: '010101111101101',
  D: '110101101101110',
  E: '111100111100111',
  F: '111100111100100',
  I: '111010010010111',
  L: '100100100100111',
  N: '110101101101101',
  O: '111101101101111',
  S: '111100111001111',
  T: '111010010010010',
  '=': '000111000111000',
  ' ': '000000000000000',
};

/** Height in pixels of a caption strip at `scale` (the 5-pixel glyphs and a 1-pixel margin). */
export function captionHeight(scale: number): number {
  return 7 * scale;
}

/**
 * `text` (upper case; unknown characters drawn as spaces) as a `width`-pixel-wide strip: glyph
 * pixels `scale` x `scale`, 4 * scale apart, starting one scaled pixel in; clipped at the edge.
 */
export function drawCaption(text: string, width: number, scale: number): Uint8Array {
  const strip = new Uint8Array(width * captionHeight(scale));
  [...text].forEach((character, index) => {
    const glyph = GLYPHS[character] ?? GLYPHS[' '];
    const left = (1 + 4 * index) * scale;
    for (let bit = 0; bit < 15; bit++) {
      if (glyph[bit] !== '1') continue;
      const top = (1 + Math.floor(bit / 3)) * scale;
      const x0 = left + (bit % 3) * scale;
      for (let y = top; y < top + scale; y++)
        for (let x = x0; x < Math.min(width, x0 + scale); x++) strip[y * width + x] = 255;
    }
  });
  return strip;
}
