/**
 * The model's decision for one result: pathological when its image score is above the run's image
 * operating point (never the pixel cut-off); null when the run had none.
 */
import { aboveThreshold } from '../../../src-main/contract/index.ts';
import type { Result, Verdict } from '../../api/types.ts';

export function aiVerdict(result: Pick<Result, 'score' | 'imageScoreThreshold'>): Verdict | null {
  const above = aboveThreshold(result.score, result.imageScoreThreshold);
  return above === null ? null : above ? 'pathological' : 'normal';
}

/** Settings of a run as "L=400 k=10 s=100 ddim", from whatever the run stored. */
export function describeSettings(settings: Record<string, unknown>): string {
  const names: [string, string][] = [
    ['noiseLevel', 'L'],
    ['stride', 'k'],
    ['guidanceScale', 's'],
    ['encoding', ''],
    ['imageSize', 'size '],
  ];
  return names
    .filter(([key]) => settings[key] !== undefined)
    .map(([key, short]) => (short ? `${short}=${String(settings[key])}` : String(settings[key])))
    .join(' ');
}
