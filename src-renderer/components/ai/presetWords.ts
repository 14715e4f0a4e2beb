/**
 * Reconstruction presets for people: what each one is for, and how long a slice takes,
 * estimated from the time per slice measured by the newest evaluation on this machine.
 */
import type { Evaluation, ReconstructionSettings } from '../../api/types.ts';

export const presetPurpose: Record<string, string> = {
  fast: 'A quick first look: few, large denoising steps; coarser maps.',
  balanced: 'More steps from deeper noise: finer maps, several times slower.',
  quality: 'The most steps from the deepest noise: for a final read of a few cases.',
  models:
    'The evaluated operating point shipped with the models (models/preset.json): the settings the model card reports metrics for. Recommended.',
};

type Steps = Pick<ReconstructionSettings, 'noiseLevel' | 'stride' | 'encoding'>;

/** Network passes per slice: L/k guided denoising steps, plus as many to invert with DDIM. */
export function stepsPerSlice(settings: Steps): number {
  const denoise = Math.ceil(settings.noiseLevel / settings.stride);
  return settings.encoding === 'ddim' ? 2 * denoise : denoise;
}

/**
 * Seconds per slice for `settings`, scaled from the newest evaluation's measured time per slice
 * by the number of steps; null without an evaluation to measure from.
 */
export function estimateSecondsPerSlice(
  settings: Steps,
  evaluations: readonly Evaluation[],
): number | null {
  const newest = [...evaluations].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  const measured = newest?.guided;
  if (!measured || !(measured.secondsPerSlice > 0)) return null;
  const perStep = measured.secondsPerSlice / stepsPerSlice(measured.settings);
  return perStep * stepsPerSlice(settings);
}

/** "about 1.5 s per slice" or "time per slice unknown (no evaluation yet)". */
export function describeTimePerSlice(seconds: number | null): string {
  if (seconds === null) return 'time per slice: measured after a first evaluation';
  if (seconds < 10) return `about ${seconds.toFixed(1)} s per slice`;
  if (seconds < 120) return `about ${Math.round(seconds)} s per slice`;
  return `about ${Math.round(seconds / 60)} min per slice`;
}
