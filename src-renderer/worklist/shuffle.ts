/**
 * A worklist in a seeded random order, so the reader cannot learn the answer from the order
 * (Library lists a dataset 5 healthy then 5 pathological) and the same seed gives the same
 * order again (to repeat a reading session, or to report it).
 */
import { mulberry32 } from '../../src-main/contract/index.ts';

/** The ids in a Fisher-Yates order drawn from `seed`; the input is left as it was. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const random = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** A fresh seed for a new session, small enough to read out and type back. */
export function newSeed(): number {
  return Math.floor(Math.random() * 100000);
}
