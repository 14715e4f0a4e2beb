/**
 * Conv2D takes only non-negative padding. The gradient convolutions sometimes need a
 * negative one (rows the forward conv never read, e.g. 'valid' with a stride that does not
 * divide the size); a negative padding is a crop, done here with Slice.
 */
import type { TensorInfo, WasmScratch } from './wasmScratch.ts';

/** Padding of an NHWC tensor's height and width: [[top, bottom], [left, right]], any sign. */
export type SpatialPadding = [[number, number], [number, number]];

/**
 * Crops the negative sides of `padding` off `x` and returns the non-negative rest, or null
 * when the crop leaves nothing (every tap of the gradient conv lands in padding, so the
 * gradient is zero).
 */
export function cropNegativePadding(
  scratch: WasmScratch,
  x: TensorInfo,
  padding: SpatialPadding,
): { x: TensorInfo; pad: SpatialPadding } | null {
  const [[top, bottom], [left, right]] = padding;
  const crop = (amount: number): number => Math.max(0, -amount);
  const pad: SpatialPadding = [
    [Math.max(0, top), Math.max(0, bottom)],
    [Math.max(0, left), Math.max(0, right)],
  ];
  const [batch, height, width, channels] = x.shape;
  const keptHeight = height - crop(top) - crop(bottom);
  const keptWidth = width - crop(left) - crop(right);
  if (keptHeight <= 0 || keptWidth <= 0) return null;
  if (keptHeight === height && keptWidth === width) return { x, pad };
  const cropped = scratch.slice(
    x,
    [0, crop(top), crop(left), 0],
    [batch, keptHeight, keptWidth, channels],
  );
  return { x: cropped, pad };
}
