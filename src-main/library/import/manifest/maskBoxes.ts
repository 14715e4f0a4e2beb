import type { Pixels } from '../../pixels.ts';
import type { Box } from '../../types.ts';

/**
 * Bounding boxes of the white regions of a box mask (brain-mid finding masks draw each finding
 * as a filled white rectangle). Regions are 4-connected groups of pixels above half range.
 */
export function maskBoxes(mask: Pixels): Box[] {
  const { width, height } = mask;
  const threshold = mask.bitDepth === 16 ? 32768 : 128;
  const seen = new Uint8Array(width * height);
  const queue = new Int32Array(width * height);
  const boxes: Box[] = [];
  for (let start = 0; start < seen.length; start++) {
    if (seen[start] || mask.pixels[start] < threshold) continue;
    let [minX, minY, maxX, maxY] = [width, height, -1, -1];
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    seen[start] = 1;
    while (head < tail) {
      const index = queue[head++];
      const x = index % width;
      const y = (index - x) / width;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
      for (const next of [
        x > 0 ? index - 1 : -1,
        x < width - 1 ? index + 1 : -1,
        index - width,
        index + width,
      ]) {
        if (next < 0 || next >= seen.length || seen[next] || mask.pixels[next] < threshold)
          continue;
        seen[next] = 1;
        queue[tail++] = next;
      }
    }
    boxes.push({ x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 });
  }
  return boxes;
}
