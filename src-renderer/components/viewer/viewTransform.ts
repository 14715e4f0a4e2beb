/**
 * Zoom and pan as one affine map from image pixels to screen (canvas) pixels:
 *   screen = scale * image + offset.
 * The input, reconstruction and anomaly map share one transform, so zooming or panning one
 * view moves all three (linked views).
 */

export interface ViewTransform {
  scale: number;
  offsetX: number;
  offsetY: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 64;

/** The transform that shows the whole image, centred, as large as fits the canvas. */
export function fitTransform(image: Size, canvas: Size): ViewTransform {
  const scale = Math.min(canvas.width / image.width, canvas.height / image.height);
  return {
    scale,
    offsetX: (canvas.width - image.width * scale) / 2,
    offsetY: (canvas.height - image.height * scale) / 2,
  };
}

export function imageToScreen(t: ViewTransform, p: Point): Point {
  return { x: t.scale * p.x + t.offsetX, y: t.scale * p.y + t.offsetY };
}

export function screenToImage(t: ViewTransform, p: Point): Point {
  return { x: (p.x - t.offsetX) / t.scale, y: (p.y - t.offsetY) / t.scale };
}

/** Zooms by `factor` keeping the image point under `anchor` (screen) where it is. */
export function zoomAt(t: ViewTransform, factor: number, anchor: Point): ViewTransform {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, t.scale * factor));
  const fixed = screenToImage(t, anchor);
  return { scale, offsetX: anchor.x - scale * fixed.x, offsetY: anchor.y - scale * fixed.y };
}

/** Moves the image by a screen-space drag. */
export function panBy(t: ViewTransform, dx: number, dy: number): ViewTransform {
  return { scale: t.scale, offsetX: t.offsetX + dx, offsetY: t.offsetY + dy };
}

/** Zoom factor for one mouse-wheel event: smooth, and symmetric so in-then-out returns home. */
export function wheelZoomFactor(deltaY: number): number {
  return Math.exp(-deltaY * 0.0015);
}
