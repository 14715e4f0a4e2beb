import { mulberry32 } from '../../../src-main/engine/random.ts';

/** A small seeded generator (the engine's mulberry32) so random test data is the same on every run. */
export const seededRandom = mulberry32;

/** Standard normal samples by Box-Muller. */
export function seededNormal(seed: number): () => number {
  const uniform = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}
