/**
 * The outline of a binary mask as line segments along pixel edges: every edge between a pixel
 * inside the mask (non-zero) and one outside it (or the mask's border), joined into runs along
 * rows and columns. In image coordinates (pixel corners), shifted by the mask's placement, so a
 * canvas can stroke it crisply at any zoom.
 */

/** x1, y1, x2, y2 of each segment, one after another. */
export type Segments = number[];

export interface MaskPlacement {
  width: number;
  height: number;
  values: ArrayLike<number>;
  /** Where the mask's top-left pixel lies on the image. */
  x?: number;
  y?: number;
}

export function maskContour({ width, height, values, x = 0, y = 0 }: MaskPlacement): Segments {
  if (values.length !== width * height)
    throw new Error(`mask: ${values.length} values for ${width} x ${height}`);
  const inside = (i: number, j: number) =>
    i >= 0 && j >= 0 && i < width && j < height && values[j * width + i] > 0;
  const segments: Segments = [];
  // Horizontal edges: above row j (between rows j - 1 and j), for j = 0..height.
  for (let j = 0; j <= height; j++) {
    let start = -1;
    for (let i = 0; i <= width; i++) {
      const edge = i < width && inside(i, j - 1) !== inside(i, j);
      if (edge && start < 0) start = i;
      if (!edge && start >= 0) {
        segments.push(x + start, y + j, x + i, y + j);
        start = -1;
      }
    }
  }
  // Vertical edges: left of column i, for i = 0..width.
  for (let i = 0; i <= width; i++) {
    let start = -1;
    for (let j = 0; j <= height; j++) {
      const edge = j < height && inside(i - 1, j) !== inside(i, j);
      if (edge && start < 0) start = j;
      if (!edge && start >= 0) {
        segments.push(x + i, y + start, x + i, y + j);
        start = -1;
      }
    }
  }
  return segments;
}
