/**
 * The kept denoising chain as steps to play: each noising or denoising frame is one step, its
 * guidance gradient (same t) a layer of that step rather than a frame of its own, and the last
 * step is the final reconstruction x̂, so playing ends on what the map was computed from.
 */
import type { Result } from '../../api/types.ts';

export interface ChainStep {
  phase: 'noising' | 'denoising' | 'final';
  t: number;
  /** The x_t frame (for the final step, the reconstruction). */
  hash: string;
  /** The guidance gradient at this t, when the run kept one. */
  gradientHash: string | null;
}

export function chainSteps(
  frames: Result['chain'],
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

const phaseWords: Record<ChainStep['phase'], string> = {
  noising: 'noising',
  denoising: 'guided denoising',
  final: 'final reconstruction x̂',
};

/** "guided denoising, t = 40" */
export function describeStep(step: ChainStep): string {
  return step.phase === 'final' ? phaseWords.final : `${phaseWords[step.phase]}, t = ${step.t}`;
}
