/**
 * The uncertainty of an evaluation: 95% bootstrap intervals (images resampled within each class)
 * for the image AUROC, pixel AUPRC, best Dice and the lab F1, and the image verdict at the
 * operating point with Wilson intervals on its sensitivity and specificity.
 */
import type { ImageVerdict } from '../contract/index.ts';
import {
  RankedPixels,
  bootstrapInterval,
  percentileInterval,
  weightedAuroc,
  weightedLabF1,
  wilsonInterval,
  type Interval,
} from './metrics/bootstrap.ts';

export interface IntervalInput {
  /** One image score and label (1 = pathological) per evaluated image. */
  scores: number[];
  labels: number[];
  /** The pathological images' maps, boxes and pixel regions, with their index among all images. */
  pathological: { index: number; map: Float32Array; truth: Uint8Array; region: Uint8Array }[];
  /** The lab F1 of each finding box, with the index (among all images) of its image. */
  labBoxes: { image: number; findingName: string; f1: number }[];
  /** The image operating point: score > it is called pathological. */
  imageScoreThreshold: number;
  /** Bootstrap resamples; 0: no intervals. */
  resamples?: number;
}

export function metricIntervals(input: IntervalInput): {
  intervals: Record<string, Interval>;
  imageVerdict: ImageVerdict;
} {
  const { scores, labels, pathological } = input;
  const imageVerdict = imageVerdictOf(scores, labels, input.imageScoreThreshold);
  if (input.resamples === 0) return { intervals: {}, imageVerdict };
  const strata = [0, 1].map((label) => labels.flatMap((l, i) => (l === label ? [i] : [])));
  const options = { resamples: input.resamples };
  const ranked = new RankedPixels(
    pathological.map((p) => p.map),
    pathological.map((p) => p.truth),
    pathological.map((p) => p.region),
  );
  const pixelWeights = (weights: Float64Array) =>
    Float64Array.from(pathological, (p) => weights[p.index]);
  // One pass over the pixels gives both pixel metrics: the same resamples serve both intervals.
  const pixelMeasures: { auprc: number; bestDice: number }[] = [];
  const pixelAuprc = bootstrapInterval(
    [strata[1]],
    (w) => {
      const measured = ranked.measure(pixelWeights(w));
      pixelMeasures.push(measured);
      return measured.auprc;
    },
    options,
  );
  return {
    intervals: {
      imageAuroc: bootstrapInterval(strata, (w) => weightedAuroc(scores, labels, w), options),
      pixelAuprc,
      bestDice: percentileInterval(pixelMeasures.map((m) => m.bestDice)),
      labF1: bootstrapInterval([strata[1]], (w) => weightedLabF1(input.labBoxes, w), options),
      ...verdictIntervals(imageVerdict),
    },
    imageVerdict,
  };
}

/** The image verdict (score > imageScoreThreshold: pathological) against the labels. */
export function imageVerdictOf(
  scores: number[],
  labels: number[],
  imageScoreThreshold: number,
): ImageVerdict {
  let [truePositives, falseNegatives, trueNegatives, falsePositives] = [0, 0, 0, 0];
  scores.forEach((score, i) => {
    const called = score > imageScoreThreshold;
    if (labels[i] === 1) {
      if (called) truePositives++;
      else falseNegatives++;
    } else if (called) falsePositives++;
    else trueNegatives++;
  });
  const positives = truePositives + falseNegatives;
  const negatives = trueNegatives + falsePositives;
  return {
    threshold: imageScoreThreshold,
    truePositives,
    falseNegatives,
    trueNegatives,
    falsePositives,
    sensitivity: positives ? truePositives / positives : NaN,
    specificity: negatives ? trueNegatives / negatives : NaN,
  };
}

function verdictIntervals(verdict: ImageVerdict): Record<string, Interval> {
  const positives = verdict.truePositives + verdict.falseNegatives;
  const negatives = verdict.trueNegatives + verdict.falsePositives;
  return {
    ...(positives > 0 && { imageSensitivity: wilsonInterval(verdict.truePositives, positives) }),
    ...(negatives > 0 && { imageSpecificity: wilsonInterval(verdict.trueNegatives, negatives) }),
  };
}
