import type { Pixels } from '../../pixels.ts';
import type { Box } from '../../types.ts';

/** One finding region of a mask: its bounding box, and its own pixels within that box. */
export interface MaskRegion {
  box: Box;
  /**
   * box.width x box.height, 8-bit: 255 where the pixel belongs to this region, else 0 (a pixel
   * of another region inside the box is 0). Never larger than the mask it came from.
   */
  mask: Pixels;
}

/**
 * The white regions of a finding mask: 4-connected groups of pixels above half range, each with
 * its bounding box and its shape. brain-mid's masks are filled rectangles (the shape is the
 * box); other datasets draw the lesion itself, whose outline Review shows.
 */
export function maskRegions(mask: Pixels): MaskRegion[] {
  const { width, height } = mask;
  if (mask.pixels.length !== width * height)
    throw new Error(`mask: ${mask.pixels.length} samples for a ${width} x ${height} image`);
  const threshold = mask.bitDepth === 16 ? 32768 : 128;
  const seen = new Uint8Array(width * height);
  const queue = new Int32Array(width * height);
  const regions: MaskRegion[] = [];
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
    const box = { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
    // The queue's first `tail` entries are exactly this region's pixels.
    const inside = new Uint8Array(box.width * box.height);
    for (let k = 0; k < tail; k++) {
      const index = queue[k];
      const x = index % width;
      const y = (index - x) / width;
      inside[(y - box.y) * box.width + (x - box.x)] = 255;
    }
    regions.push({
      box,
      mask: { width: box.width, height: box.height, bitDepth: 8, pixels: inside },
    });
  }
  return regions;
}

/** Bounding boxes of the white regions of a mask (see maskRegions). */
export function maskBoxes(mask: Pixels): Box[] {
  return maskRegions(mask).map((region) => region.box);
}
