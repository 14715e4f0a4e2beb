import { describe, expect, it } from 'vitest';
import {
  pageStep,
  stepIndex,
  WheelStepper,
} from '../../../../src-renderer/components/viewer/stack.ts';

describe('stack navigation', () => {
  it('keeps a step inside the stack', () => {
    expect(stepIndex(0, -1, 5)).toBe(0);
    expect(stepIndex(3, 1, 5)).toBe(4);
    expect(stepIndex(4, 1, 5)).toBe(4);
    expect(stepIndex(2, 10, 5)).toBe(4);
    expect(stepIndex(0, 1, 0)).toBe(0);
  });

  it('pages by a tenth of the stack, at least one slice', () => {
    expect(pageStep(3)).toBe(1);
    expect(pageStep(120)).toBe(12);
  });

  it('makes one slice of a wheel notch, and of a trackpad once its deltas add up', () => {
    const wheel = new WheelStepper();
    expect(wheel.step(100)).toBe(1);
    expect(wheel.step(-100)).toBe(-1);
    expect(wheel.step(3, 1)).toBe(1); // lines
    expect([10, 10, 10, 10].map((d) => wheel.step(d))).toEqual([0, 0, 0, 1]);
    // Turning back starts counting again.
    expect([30, -30, -15].map((d) => wheel.step(d))).toEqual([0, 0, -1]);
  });
});
