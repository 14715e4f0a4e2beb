/**
 * The model's image-level decision. Two numbers with different units must never be compared:
 * the image score (the classifier's p(pathological), or the mean of the top 1 % of anomaly-map
 * values in the brain, as the settings say: imageScoreWords.ts) is judged against the image
 * operating point (`imageScoreThreshold`, calibrated on healthy images), and
 * the overlay cut-off (`Result.threshold`, a map value) only decides which pixels are coloured.
 */
import { aboveThreshold } from '../../../src-main/contract/index.ts';
import type { Result, Run, Verdict } from '../../api/types.ts';

type Settings = Record<string, unknown>;

const numberOf = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/** The settings that change a map; a preset's operating point only holds for the same ones. */
const mapSettings = ['noiseLevel', 'stride', 'guidanceScale', 'encoding', 'imageSize'];

export function sameMapSettings(a: Settings, b: Settings): boolean {
  return mapSettings.every(
    (key) => a[key] === undefined || b[key] === undefined || a[key] === b[key],
  );
}

/**
 * The image operating point for a result: stored with the result or its run, else the shipped
 * preset's when the run used the preset's settings; null when none was calibrated. A run that
 * stored null (made with settings no point was calibrated for) gets none: the preset's is only
 * a fallback for runs made before runs stored their point.
 */
export function imageOperatingPoint(
  result: Result | null,
  run: Pick<Run, 'settings'> | null,
  preset: Settings | null,
): number | null {
  const own = numberOf((result as Settings | null)?.imageScoreThreshold);
  if (own !== null) return own;
  const ofRun = numberOf(run?.settings.imageScoreThreshold);
  if (ofRun !== null) return ofRun;
  if (run?.settings.imageScoreThreshold === null) return null;
  const ofPreset = numberOf(preset?.imageScoreThreshold);
  if (ofPreset !== null && run && preset && sameMapSettings(run.settings, preset)) return ofPreset;
  return null;
}

/** Pathological when the image score is above (`>`, as everywhere) the image operating point; null without one. */
export function aiVerdict(score: number, operatingPoint: number | null): Verdict | null {
  const above = aboveThreshold(score, operatingPoint);
  return above === null ? null : above ? 'pathological' : 'normal';
}

/** Settings of a run as "L=400 k=10 s=100 · ddim · 64 px", from whatever the run stored. */
export function describeSettings(settings: Record<string, unknown>): string {
  const steps = (
    [
      ['noiseLevel', 'L'],
      ['stride', 'k'],
      ['guidanceScale', 's'],
    ] as const
  )
    .filter(([key]) => settings[key] !== undefined)
    .map(([key, short]) => `${short}=${String(settings[key])}`)
    .join(' ');
  const encoding = settings.encoding === undefined ? '' : String(settings.encoding);
  const size = settings.imageSize === undefined ? '' : `${String(settings.imageSize)} px`;
  return [steps, encoding, size].filter(Boolean).join(' · ');
}
