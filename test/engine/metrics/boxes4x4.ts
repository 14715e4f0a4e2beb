/** 4 x 4 masks shared by the hand-computed cases of the course protocol and the lab's F1. */

/** 4 x 4 mask from the listed (row, col) pixels. */
export function maskOf(pixels: Array<[number, number]>): Uint8Array {
  const mask = new Uint8Array(16);
  for (const [row, col] of pixels) mask[row * 4 + col] = 1;
  return mask;
}

export const complement = (mask: Uint8Array) => mask.map((value) => 1 - value);

export const topLeft = maskOf([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);

export const bottomRight = maskOf([
  [2, 2],
  [2, 3],
  [3, 2],
  [3, 3],
]);

/** The first 10 pixels (rows 0-1 and (2, 0), (2, 1)): one marked pixel is exactly 10%. */
export const firstTen = Uint8Array.from({ length: 16 }, (_, i) => (i < 10 ? 1 : 0));
