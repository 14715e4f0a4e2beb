/**
 * mulberry32: a small seeded 32-bit generator, uniform in [0, 1), the same on every machine.
 * One definition for the engine (initial weights, batches, noise) and the renderer (a worklist's
 * seeded order), which may share only the contract.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
