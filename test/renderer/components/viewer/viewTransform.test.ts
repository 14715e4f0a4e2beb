import { describe, expect, it } from 'vitest';
import {
  MAX_SCALE,
  fitTransform,
  imageToScreen,
  panBy,
  screenToImage,
  wheelZoomFactor,
  zoomAt,
} from '../../../../src-renderer/components/viewer/viewTransform.ts';

describe('zoom/pan mapping', () => {
  it('fits a square image centred in a wide canvas', () => {
    const t = fitTransform({ width: 128, height: 128 }, { width: 512, height: 256 });
    expect(t.scale).toBe(2);
    expect(imageToScreen(t, { x: 0, y: 0 })).toEqual({ x: 128, y: 0 });
    expect(imageToScreen(t, { x: 128, y: 128 })).toEqual({ x: 384, y: 256 });
  });

  it('maps screen back to image as the inverse of image to screen', () => {
    const t = { scale: 3.5, offsetX: -20, offsetY: 41 };
    for (const p of [
      { x: 0, y: 0 },
      { x: 17.25, y: 99 },
      { x: -3, y: 250 },
    ]) {
      const back = screenToImage(t, imageToScreen(t, p));
      expect(back.x).toBeCloseTo(p.x);
      expect(back.y).toBeCloseTo(p.y);
    }
  });

  it('keeps the image point under the cursor fixed while zooming', () => {
    const t = fitTransform({ width: 64, height: 64 }, { width: 256, height: 256 });
    const cursor = { x: 100, y: 180 };
    const before = screenToImage(t, cursor);
    const zoomed = zoomAt(t, 2.5, cursor);
    expect(zoomed.scale).toBeCloseTo(t.scale * 2.5);
    const after = screenToImage(zoomed, cursor);
    expect(after.x).toBeCloseTo(before.x);
    expect(after.y).toBeCloseTo(before.y);
  });

  it('clamps the zoom to its limits', () => {
    const t = { scale: 1, offsetX: 0, offsetY: 0 };
    expect(zoomAt(t, 1e6, { x: 0, y: 0 }).scale).toBe(MAX_SCALE);
  });

  it('pans by the dragged screen distance at any zoom', () => {
    const t = panBy({ scale: 4, offsetX: 10, offsetY: 10 }, 8, -4);
    expect(t).toEqual({ scale: 4, offsetX: 18, offsetY: 6 });
    // A screen drag of 8 px moves the image 2 px at 4x zoom.
    const p = screenToImage(t, { x: 50, y: 50 });
    expect(p.x).toBeCloseTo((50 - 18) / 4);
  });

  it('zooms in then out by the same wheel amount back to where it started', () => {
    const t = { scale: 2, offsetX: 5, offsetY: 7 };
    const anchor = { x: 33, y: 44 };
    const back = zoomAt(zoomAt(t, wheelZoomFactor(-120), anchor), wheelZoomFactor(120), anchor);
    expect(back.scale).toBeCloseTo(2);
    expect(back.offsetX).toBeCloseTo(5);
    expect(back.offsetY).toBeCloseTo(7);
  });
});
