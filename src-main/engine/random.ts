/** Seeded random numbers, so that initial weights, batches and sampled noise are reproducible. */

export { mulberry32 } from '../contract/seededRandom.ts';

/** Box-Muller transform of a uniform generator. */
export function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
