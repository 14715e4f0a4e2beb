/**
 * How much a figure measured on a few dozen images moves: 95% intervals for every metric the
 * evaluation reports.
 * - Metrics of images (AUROC, pixel AUPRC, best Dice, lab F1): the percentile bootstrap over
 *   images, resampled within each class so that every resample keeps both classes; a resample
 *   is a weight per image (how many times it was drawn), and each metric has a weighted form.
 * - Proportions (sensitivity, specificity at an operating point): the Wilson score interval.
 */
import { mulberry32 } from '../random.ts';

export interface Interval {
  low: number;
  high: number;
}

export interface BootstrapOptions {
  /** Resamples drawn; 2,000 by default. */
  resamples?: number;
  seed?: number;
  /** Coverage of the interval; 0.95 by default. */
  level?: number;
}

/**
 * Percentile bootstrap interval of `statistic`, which reads one weight per image (the number of
 * times the resample drew it). `strata` lists the image indices of each class; each stratum is
 * resampled to its own size. Resamples where the statistic is undefined (NaN) are dropped.
 */
export function bootstrapInterval(
  strata: readonly (readonly number[])[],
  statistic: (weights: Float64Array) => number,
  options: BootstrapOptions = {},
): Interval {
  const resamples = options.resamples ?? 2000;
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  const images = Math.max(-1, ...strata.flat()) + 1;
  const random = mulberry32(options.seed ?? 20261207);
  const values: number[] = [];
  const weights = new Float64Array(images);
  for (let r = 0; r < resamples; r++) {
    weights.fill(0);
    for (const stratum of strata)
      for (let k = 0; k < stratum.length; k++)
        weights[stratum[Math.floor(random() * stratum.length)]] += 1;
    values.push(statistic(weights));
  }
  return percentileInterval(values, level);
}

/**
 * The central `level` interval of values drawn by a bootstrap: their (1 - level) / 2 and
 * (1 + level) / 2 quantiles, interpolated. Undefined draws (NaN) are left out.
 */
export function percentileInterval(values: readonly number[], level = 0.95): Interval {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0)
    throw new RangeError('bootstrap: the statistic was undefined on every resample');
  const tail = (1 - level) / 2;
  return { low: quantileOfSorted(sorted, tail), high: quantileOfSorted(sorted, 1 - tail) };
}

function quantileOfSorted(sorted: number[], q: number): number {
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}

/** Wilson score interval of k successes in n trials (Wilson 1927), at the normal quantile z. */
export function wilsonInterval(successes: number, trials: number, z = 1.959964): Interval {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || trials <= 0)
    throw new RangeError(
      `wilsonInterval needs integer counts and trials > 0, got ${successes}/${trials}`,
    );
  if (successes < 0 || successes > trials)
    throw new RangeError(`wilsonInterval: ${successes} successes in ${trials} trials`);
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half =
    (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * AUROC of image scores with a weight per image: the weighted Mann-Whitney estimate
 * P(score_pos > score_neg) + 0.5 P(tie), the same figure as `auroc` when every weight is 1.
 */
export function weightedAuroc(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights: ArrayLike<number>,
): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => scores[a] - scores[b],
  );
  let [negativesBelow, area, positives, negatives] = [0, 0, 0, 0];
  for (let start = 0; start < order.length;) {
    let end = start;
    let [tiedPositives, tiedNegatives] = [0, 0];
    while (end < order.length && scores[order[end]] === scores[order[start]]) {
      const i = order[end++];
      if (labels[i] === 1) tiedPositives += weights[i];
      else tiedNegatives += weights[i];
    }
    area += tiedPositives * (negativesBelow + 0.5 * tiedNegatives);
    negativesBelow += tiedNegatives;
    positives += tiedPositives;
    negatives += tiedNegatives;
    start = end;
  }
  return positives > 0 && negatives > 0 ? area / (positives * negatives) : NaN;
}

/**
 * The in-brain pixels of many images ranked once, so that pixel AUPRC and best Dice can be
 * recomputed for any weighting of the images in one pass (a bootstrap resample reuses the
 * ranking). With every weight 1 both equal `pixelAuprc` and `bestDice` (tie groups as there).
 */
export class RankedPixels {
  private readonly image: Int32Array;
  private readonly label: Uint8Array;
  /** Index where each tie group (equal scores) starts, descending scores; one extra at the end. */
  private readonly groupStarts: Int32Array;

  constructor(maps: Float32Array[], truthMasks: Uint8Array[], regions: Uint8Array[]) {
    const entries: { score: number; image: number; label: number }[] = [];
    maps.forEach((map, image) => {
      for (let i = 0; i < map.length; i++)
        if (regions[image][i])
          entries.push({ score: map[i], image, label: truthMasks[image][i] ? 1 : 0 });
    });
    entries.sort((a, b) => b.score - a.score);
    this.image = Int32Array.from(entries, (e) => e.image);
    this.label = Uint8Array.from(entries, (e) => e.label);
    const starts: number[] = [];
    entries.forEach((e, i) => {
      if (i === 0 || e.score !== entries[i - 1].score) starts.push(i);
    });
    starts.push(entries.length);
    this.groupStarts = Int32Array.from(starts);
  }

  /** Average precision (step-wise, as `auprc`) and best Dice under these image weights. */
  measure(weights: ArrayLike<number>): { auprc: number; bestDice: number } {
    let positives = 0;
    for (let i = 0; i < this.label.length; i++)
      if (this.label[i]) positives += weights[this.image[i]];
    if (positives === 0) return { auprc: NaN, bestDice: NaN };
    let [tp, fp, area, dice] = [0, 0, 0, 0];
    for (let g = 0; g + 1 < this.groupStarts.length; g++) {
      const before = tp;
      for (let i = this.groupStarts[g]; i < this.groupStarts[g + 1]; i++) {
        const w = weights[this.image[i]];
        if (this.label[i]) tp += w;
        else fp += w;
      }
      if (tp + fp > 0) area += ((tp - before) / positives) * (tp / (tp + fp));
      dice = Math.max(dice, (2 * tp) / (tp + fp + positives));
    }
    return { auprc: area, bestDice: dice };
  }
}

/**
 * The lab's F1 (labF1) under image weights: each finding's mean per-box F1 weighted by its
 * image's weight, then the mean over the findings present in the resample.
 */
export function weightedLabF1(
  boxes: readonly { image: number; findingName: string; f1: number }[],
  weights: ArrayLike<number>,
): number {
  const sums = new Map<string, { f1: number; weight: number }>();
  for (const box of boxes) {
    const w = weights[box.image];
    if (w === 0) continue;
    const sum = sums.get(box.findingName) ?? { f1: 0, weight: 0 };
    sum.f1 += w * box.f1;
    sum.weight += w;
    sums.set(box.findingName, sum);
  }
  if (sums.size === 0) return NaN;
  let total = 0;
  for (const { f1, weight } of sums.values()) total += f1 / weight;
  return total / sums.size;
}
