/** The forward process of ALGORITHM.md: T steps, linear betas, alpha_bar_t = prod_{i<=t}(1 - beta_i). */
export interface Schedule {
  steps: number;
  betaStart: number;
  betaEnd: number;
  alphaBar: Float64Array;
}

export function linearSchedule(steps = 1000, betaStart = 1e-4, betaEnd = 0.02): Schedule {
  const alphaBar = new Float64Array(steps);
  let product = 1;
  for (let t = 0; t < steps; t++) {
    const beta = betaStart + ((betaEnd - betaStart) * t) / (steps - 1);
    product *= 1 - beta;
    alphaBar[t] = product;
  }
  return { steps, betaStart, betaEnd, alphaBar };
}

/**
 * The timesteps a reconstruction visits: 0, k, 2k, ... up to L (L rounded down to a multiple of
 * k). Encoding walks them upwards, decoding downwards.
 */
export function ddimTimesteps(noiseLevel: number, stride: number, steps: number): number[] {
  if (!Number.isInteger(stride) || stride < 1)
    throw new Error(`stride must be a positive integer, got ${stride}`);
  if (!Number.isInteger(noiseLevel) || noiseLevel < stride || noiseLevel >= steps)
    throw new Error(
      `noise level must be an integer in [${stride}, ${steps - 1}], got ${noiseLevel}`,
    );
  const timesteps: number[] = [];
  for (let t = 0; t <= noiseLevel; t += stride) timesteps.push(t);
  return timesteps;
}
