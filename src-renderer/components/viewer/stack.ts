/**
 * Moving through a stack of slices (a volume imported as one study of N slices): steps kept
 * inside the stack, the page step of PageUp/PageDown, and the mouse wheel turned into whole
 * slices (a wheel notch is one slice; a trackpad's small deltas add up to one).
 */

/** The index `delta` slices on from `index`, kept within 0 .. count - 1. */
export function stepIndex(index: number, delta: number, count: number): number {
  if (count <= 0) return 0;
  return Math.max(0, Math.min(count - 1, index + delta));
}

/** PageUp/PageDown: a tenth of the stack, at least one slice. */
export function pageStep(count: number): number {
  return Math.max(1, Math.round(count / 10));
}

/** Pixels of wheel travel that make one slice (a notch is about 100 in Chromium). */
export const WHEEL_PIXELS_PER_SLICE = 40;

/** Turns wheel events into slice steps: +1 (down, towards the next slice), -1, or 0. */
export class WheelStepper {
  private travel = 0;

  step(deltaY: number, deltaMode = 0): number {
    if (deltaY === 0) return 0;
    // Lines or pages (deltaMode 1 or 2): each event is a notch.
    if (deltaMode !== 0) {
      this.travel = 0;
      return Math.sign(deltaY);
    }
    if (Math.sign(deltaY) !== Math.sign(this.travel)) this.travel = 0;
    this.travel += deltaY;
    if (Math.abs(this.travel) < WHEEL_PIXELS_PER_SLICE) return 0;
    this.travel = 0;
    return Math.sign(deltaY);
  }
}
