/**
 * Binary morphology on S x S masks (Uint8Array of 0/1). Components and the background flood use
 * 4-connectivity; pixels outside the image count as background.
 */

const NEIGHBOURS: ReadonlyArray<readonly [number, number]> = [
  [-1, 0],
  [1, 0],
  [0, -1],
  [0, 1],
];

/** Labels the 4-connected component containing `start` with `label`; returns its pixel count. */
function floodFill(
  inside: (index: number) => boolean,
  labels: Int32Array,
  size: number,
  start: number,
  label: number,
): number {
  const stack = [start];
  labels[start] = label;
  let count = 0;
  while (stack.length > 0) {
    const index = stack.pop() as number;
    count++;
    const row = Math.floor(index / size);
    const col = index % size;
    for (const [dr, dc] of NEIGHBOURS) {
      const r = row + dr;
      const c = col + dc;
      if (r < 0 || r >= size || c < 0 || c >= size) continue;
      const next = r * size + c;
      if (labels[next] === 0 && inside(next)) {
        labels[next] = label;
        stack.push(next);
      }
    }
  }
  return count;
}

/** The largest 4-connected component of the mask (all zeros if the mask is empty). */
export function largestComponent(mask: Uint8Array, size: number): Uint8Array {
  const labels = new Int32Array(mask.length);
  let bestLabel = 0;
  let bestCount = 0;
  let label = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i] || labels[i] !== 0) continue;
    const count = floodFill((index) => mask[index] === 1, labels, size, i, ++label);
    if (count > bestCount) {
      bestCount = count;
      bestLabel = label;
    }
  }
  const largest = new Uint8Array(mask.length);
  if (bestLabel === 0) return largest;
  for (let i = 0; i < mask.length; i++) largest[i] = labels[i] === bestLabel ? 1 : 0;
  return largest;
}

/** Fills every hole: background pixels that the background flood from the border cannot reach. */
export function fillHoles(mask: Uint8Array, size: number): Uint8Array {
  const reached = new Int32Array(mask.length);
  const isBackground = (index: number) => mask[index] === 0;
  for (let k = 0; k < size; k++) {
    for (const border of [k, (size - 1) * size + k, k * size, k * size + size - 1]) {
      if (isBackground(border) && reached[border] === 0) {
        floodFill(isBackground, reached, size, border, 1);
      }
    }
  }
  const filled = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) filled[i] = reached[i] === 0 ? 1 : 0;
  return filled;
}

/** Offsets of a disk of the given radius (Euclidean), the structuring element below. */
function diskOffsets(radius: number): Array<readonly [number, number]> {
  const offsets: Array<readonly [number, number]> = [];
  for (let dr = -radius; dr <= radius; dr++) {
    for (let dc = -radius; dc <= radius; dc++) {
      if (dr * dr + dc * dc <= radius * radius) offsets.push([dr, dc]);
    }
  }
  return offsets;
}

/** Whether the mask is set everywhere in the disk around (row, col); outside counts as unset. */
function diskInside(
  mask: Uint8Array,
  size: number,
  offsets: Array<readonly [number, number]>,
  row: number,
  col: number,
): boolean {
  return offsets.every(([dr, dc]) => {
    const r = row + dr;
    const c = col + dc;
    return r >= 0 && r < size && c >= 0 && c < size && mask[r * size + c] === 1;
  });
}

/** Keeps a pixel only if the whole disk around it lies inside the mask (outside = background). */
export function erode(mask: Uint8Array, size: number, radius: number): Uint8Array {
  if (radius <= 0) return mask.slice();
  const offsets = diskOffsets(radius);
  const eroded = new Uint8Array(mask.length);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const index = row * size + col;
      eroded[index] = mask[index] && diskInside(mask, size, offsets, row, col) ? 1 : 0;
    }
  }
  return eroded;
}

/** Sets every pixel within `radius` (a disk) of a set pixel; pixels outside the image are ignored. */
export function dilate(mask: Uint8Array, size: number, radius: number): Uint8Array {
  if (radius <= 0) return mask.slice();
  const offsets = diskOffsets(radius);
  const dilated = new Uint8Array(mask.length);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (!mask[row * size + col]) continue;
      for (const [dr, dc] of offsets) {
        const [r, c] = [row + dr, col + dc];
        if (r >= 0 && r < size && c >= 0 && c < size) dilated[r * size + c] = 1;
      }
    }
  }
  return dilated;
}
