/** The model's decision for one result: pathological when its score reaches the run's threshold. */
import type { Result, Verdict } from '../../api/types.ts';

export function aiVerdict(result: Pick<Result, 'score' | 'threshold'>): Verdict | null {
  if (result.threshold === null) return null;
  return result.score >= result.threshold ? 'pathological' : 'normal';
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
