import { describe, expect, it } from 'vitest';
import { ddimTimesteps, linearSchedule } from '../../../src-main/engine/diffusion/schedule.ts';

/** alpha_bar_t = prod_{i<=t} (1 - beta_i), summed as logs in float64 (another route than a running product). */
function closedFormAlphaBar(steps: number, betaStart: number, betaEnd: number): number[] {
  const out: number[] = [];
  let logSum = 0;
  for (let t = 0; t < steps; t++) {
    const beta = betaStart + (t / (steps - 1)) * (betaEnd - betaStart);
    logSum += Math.log1p(-beta);
    out.push(Math.exp(logSum));
  }
  return out;
}

describe('linearSchedule', () => {
  it('gives alpha_bar_t = prod(1 - beta_i) with linear betas from 1e-4 to 0.02 over 1000 steps', () => {
    const schedule = linearSchedule();
    expect(schedule).toMatchObject({ steps: 1000, betaStart: 1e-4, betaEnd: 0.02 });
    const expected = closedFormAlphaBar(1000, 1e-4, 0.02);
    expect(schedule.alphaBar).toHaveLength(1000);
    for (let t = 0; t < 1000; t++)
      expect(Math.abs(schedule.alphaBar[t] - expected[t]) / expected[t]).toBeLessThan(1e-10);
    expect(schedule.alphaBar[0]).toBeCloseTo(1 - 1e-4, 12);
    // The DDPM schedule's well-known end point: alpha_bar_T is about 4.04e-5.
    expect(schedule.alphaBar[999]).toBeGreaterThan(4.0e-5);
    expect(schedule.alphaBar[999]).toBeLessThan(4.1e-5);
  });

  it('follows other step counts and beta ranges', () => {
    const schedule = linearSchedule(50, 1e-3, 0.05);
    const expected = closedFormAlphaBar(50, 1e-3, 0.05);
    for (let t = 0; t < 50; t++)
      expect(Math.abs(schedule.alphaBar[t] - expected[t]) / expected[t]).toBeLessThan(1e-10);
  });
});

describe('ddimTimesteps', () => {
  it('visits 0, k, 2k, ... up to L', () => {
    expect(ddimTimesteps(20, 5, 1000)).toEqual([0, 5, 10, 15, 20]);
    expect(ddimTimesteps(1, 1, 1000)).toEqual([0, 1]);
    expect(ddimTimesteps(999, 333, 1000)).toEqual([0, 333, 666, 999]);
  });

  it('rounds L down to a multiple of k', () => {
    expect(ddimTimesteps(23, 5, 1000)).toEqual([0, 5, 10, 15, 20]);
  });

  it('rejects a stride that is not a positive integer', () => {
    expect(() => ddimTimesteps(20, 0, 1000)).toThrow(/stride must be a positive integer, got 0/);
    expect(() => ddimTimesteps(20, 2.5, 1000)).toThrow(
      /stride must be a positive integer, got 2.5/,
    );
    expect(() => ddimTimesteps(20, -5, 1000)).toThrow(/stride/);
  });

  it('rejects a noise level below the stride, past the schedule or not an integer', () => {
    expect(() => ddimTimesteps(4, 5, 1000)).toThrow(
      /noise level must be an integer in \[5, 999\], got 4/,
    );
    expect(() => ddimTimesteps(1000, 10, 1000)).toThrow(/got 1000/);
    expect(() => ddimTimesteps(20.5, 5, 1000)).toThrow(/got 20.5/);
  });
});
