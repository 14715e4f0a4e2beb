/**
 * What the image score is, in the words of the settings that made it: the classifier's
 * p(pathological | x_0) when the run (or the shipped preset) scores with the classifier, else
 * the mean of the top fraction of the anomaly map. Read from the settings, never assumed, so the
 * tooltip, the colour bar and the Library's columns say what the preset actually uses.
 */
import type {
  MapNormalisation,
  MeasuredRate,
  VerdictPerformance,
} from '../../../src-main/contract/index.ts';

type Settings = Record<string, unknown> | null | undefined;

export type ImageScoreKind = 'classifier' | 'map';

/** Settings without `imageScore` were made before it existed, when the map gave the score. */
export function imageScoreKind(settings: Settings): ImageScoreKind {
  return settings?.imageScore === 'classifier' ? 'classifier' : 'map';
}

/** A column header or label: what the number is. */
export function imageScoreName(settings: Settings): string {
  return imageScoreKind(settings) === 'classifier' ? 'Classifier p(pathological)' : 'Map score';
}

function topShare(settings: Settings): string {
  const top = settings?.scoreTopFraction;
  return typeof top === 'number' && Number.isFinite(top)
    ? `the top ${+(top * 100).toFixed(2)} % of values`
    : 'the top values';
}

/** The tooltip of the image score. */
export function scoreMeaning(settings: Settings): string {
  if (imageScoreKind(settings) === 'classifier') {
    return (
      "Image score: the noise-aware classifier's p(pathological | x₀), a probability from 0 to 1 " +
      'computed on the slice itself (t = 0). The anomaly map does not enter it: the map shows ' +
      'where the slice differs from its pseudo-healthy reconstruction, the score whether.'
    );
  }
  return (
    `Image score: the mean of ${topShare(settings)} of the anomaly map inside the brain. ` +
    'Not a probability: a map value, in units of |x − x̂| on the [-1, 1] intensity scale.'
  );
}

const residualWords =
  'the difference between the slice and its pseudo-healthy reconstruction, smoothed';

/** Each normalisation's colour-bar label and what its values mean (one entry per kind). */
const MAP_UNITS: Record<MapNormalisation, { label: string; meaning: string }> = {
  none: {
    label: 'map |x − x̂|',
    meaning:
      `Anomaly map: |x − x̂|, ${residualWords}, in units of the slice intensities scaled to ` +
      '[-1, 1] (0 = identical, 2 = black against white). ',
  },
  'healthy-ratio': {
    label: 'map ÷ healthy residual',
    meaning:
      `Anomaly map: ${residualWords}, divided by what healthy brains usually leave at that ` +
      'place (1 = as much as usual, 2 = twice as much). ',
  },
  'healthy-z': {
    label: 'map, healthy SDs above usual',
    meaning:
      `Anomaly map: ${residualWords}, as healthy standard deviations above what healthy ` +
      'brains usually leave at that place (0 = usual or less, 3 = three standard deviations ' +
      'above). ',
  },
  'healthy-mean': {
    label: 'map − healthy residual',
    meaning:
      `Anomaly map: ${residualWords}, minus what healthy brains usually leave at that place, ` +
      'in units of the slice intensities scaled to [-1, 1]. ',
  },
};

/** The settings' normalisation; runs stored before it existed (or unknown to us) are raw. */
function mapUnits(settings: Settings) {
  const how = settings?.mapNormalisation;
  return MAP_UNITS[
    typeof how === 'string' && Object.hasOwn(MAP_UNITS, how) ? (how as MapNormalisation) : 'none'
  ];
}

/** The colour bar's label: the map's units, after the normalisation the settings name. */
export function mapLabel(settings: Settings): string {
  return mapUnits(settings).label;
}

/** The tooltip of the map's colour bar: what its values are, and what the image score is. */
export function mapMeaning(settings: Settings): string {
  return (
    mapUnits(settings).meaning +
    'Pixels strictly above (>) the white mark, the pixel operating point, are coloured in the ' +
    'overlay. ' +
    (imageScoreKind(settings) === 'classifier'
      ? "The image verdict does not come from this map but from the classifier's p(pathological)."
      : `The image score is the mean of ${topShare(settings)} of this map inside the brain.`)
  );
}

const fixed = (x: number) => x.toFixed(2);

/** "0.50 (95 % CI 0.33–0.67; n = 32, test split pathological)". */
export function describeRate(rate: MeasuredRate): string {
  return `${fixed(rate.value)} (95 % CI ${fixed(rate.low)}–${fixed(rate.high)}; n = ${rate.n}, ${rate.set})`;
}

/** One line for beside the verdict: how often it is right, or that no one has measured it. */
export function verdictPerformanceLine(performance: VerdictPerformance | null): string {
  if (!performance)
    return "The verdict's sensitivity and specificity at this operating point have not been measured.";
  return (
    `At this operating point the verdict finds ${Math.round(100 * performance.sensitivity.value)} % ` +
    `of pathological images (sensitivity ${describeRate(performance.sensitivity)}) and clears ` +
    `${Math.round(100 * performance.specificity.value)} % of healthy ones (specificity ` +
    `${describeRate(performance.specificity)}).`
  );
}

/**
 * The score and the operating point with enough decimals to tell them apart (0.9961 > 0.9960,
 * never "0.996 > 0.996"): at least 3, at most 6.
 */
export function scoreAgainstPoint(score: number, operatingPoint: number): string {
  let decimals = 3;
  while (
    decimals < 6 &&
    score !== operatingPoint &&
    score.toFixed(decimals) === operatingPoint.toFixed(decimals)
  )
    decimals++;
  const sign = score > operatingPoint ? '>' : '≤';
  return `${score.toFixed(decimals)} ${sign} ${operatingPoint.toFixed(decimals)}`;
}
