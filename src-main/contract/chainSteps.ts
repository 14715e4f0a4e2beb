/**
 * A kept denoising chain as the steps it is played in, shared by the chain player and the GIF
 * export: each noising or denoising frame is one step, its guidance gradient (same t) a layer of
 * that step rather than a frame of its own, and the last step is the final reconstruction x̂,
 * so playing ends on what the map was computed from.
 */
export interface ChainStep {
  phase: 'noising' | 'denoising' | 'final';
  t: number;
  /** The x_t frame (for the final step, the reconstruction). */
  hash: string;
  /** The guidance gradient at this t, when the run kept one. */
  gradientHash: string | null;
}

export function chainSteps(
  frames: readonly { phase: 'noising' | 'denoising' | 'gradient'; t: number; hash: string }[],
  reconstructionHash: string | null,
): ChainStep[] {
  const steps: ChainStep[] = [];
  for (const frame of frames) {
    if (frame.phase === 'gradient') {
      const last = steps.at(-1);
      // The gradient follows the denoising frame of the same t; a stray one is dropped.
      if (last && last.phase === 'denoising' && last.t === frame.t) last.gradientHash = frame.hash;
      continue;
    }
    steps.push({ phase: frame.phase, t: frame.t, hash: frame.hash, gradientHash: null });
  }
  if (steps.length > 0 && reconstructionHash)
    steps.push({ phase: 'final', t: 0, hash: reconstructionHash, gradientHash: null });
  return steps;
}
