import { calibrateThreshold } from './anomaly/index.ts';
import {
  auprc,
  auroc,
  bestDice,
  courseProtocol,
  labF1,
  pixelAuprc,
  rocCurve,
  prCurve,
  type FindingCase,
} from './metrics/index.ts';
import { mulberry32, gaussian } from './random.ts';
import { calibrateImageScoreThreshold } from './operatingPoint.ts';
import { metricIntervals, type IntervalInput } from './evaluateIntervals.ts';
import { pathologicalProbabilities } from './predictors.ts';
import {
  reconstruct,
  settingsFor,
  startGuidance,
  type Guidance,
  type LoadedModels,
  type SliceResult,
} from './pipeline.ts';
import { ProgressTracker } from './progress.ts';
import { classifierSplit } from './train/index.ts';
import {
  prepareCases,
  readDatasetManifest,
  type DatasetCase,
  type PreparedCase,
} from './train/dataset.ts';
import { MAP_NORMALISATION_MEANING, type VariantMetrics } from '../contract/index.ts';
import type { JobControl, ReconstructionSettings } from './types.ts';

export interface EvaluateOptions {
  manifestPath: string;
  split: string;
  /** Healthy images that calibrate the pixel cut-off and image point (never the evaluated split). */
  calibrationSplit: string;
  /** Evaluate these cases instead of the split (e.g. a sweep set); `split` then only names them. */
  cases?: DatasetCase[];
  /** Also run the unguided ablation (s = 0) with the same L and k. */
  unguided: boolean;
  overrides?: Partial<ReconstructionSettings>;
  smoothingSigma?: number;
  classifierTimesteps?: number[];
  batchSize?: number;
  /**
   * 'holdout': the classifier's held-out healthy cases of the manifest (classifierSplit; no model
   * took them as classifier input) join the calibration split for the image operating point when
   * the image score is the classifier's, as `anomap calibrate` does; 'none' (the default): the
   * calibration split only. The pixel cut-off stays on the calibration split either way.
   */
  imageCalibration?: 'holdout' | 'none';
  /** Other healthy images for the image operating point instead of imageCalibration's. */
  imageCalibrationCases?: DatasetCase[];
  /** Bootstrap resamples for the 95% intervals; 2,000 by default, 0 for none. */
  bootstrapResamples?: number;
}

/**
 * The contract's VariantMetrics as this engine measures them: every metric present (the
 * contract's optional ones are optional only because older saved evaluations lack them).
 */
export type MeasuredVariantMetrics = VariantMetrics & Required<Omit<VariantMetrics, 'intervals'>>;

export interface EvaluationReport {
  split: string;
  cases: number;
  healthy: number;
  pathological: number;
  guided: MeasuredVariantMetrics;
  unguided: MeasuredVariantMetrics | null;
  classifierAuroc: Record<string, number> | null;
  /** Per-case results of the guided run, in manifest order, for grids and reports. */
  casesDetail: { case: PreparedCase; guided: SliceResult; unguided: SliceResult | null }[];
}

/** The images an evaluation reads, prepared once for all its variants. */
interface EvaluationInputs {
  size: number;
  cases: PreparedCase[];
  /** 1 for a pathological case, 0 for a healthy one, in case order. */
  labels: number[];
  calibrationCases: PreparedCase[];
  /** Calibration images that are not also evaluated (those are run once, with the cases). */
  calibrationOnly: PreparedCase[];
  /** Each evaluated image's index among the cases. */
  byImage: Map<string, number>;
  /**
   * The classifier's p(pathological | x_0) of the extra image-calibration images (none: []):
   * the same for every variant, so computed once, by the first variant that scores by the
   * classifier.
   */
  imageCalibrationClassifierScores: () => number[];
}

/** Runs the preset (and its unguided ablation) on a split and computes every metric of ALGORITHM.md. */
export async function evaluate(
  models: LoadedModels,
  options: EvaluateOptions,
  control: JobControl = {},
): Promise<EvaluationReport> {
  const inputs = await readEvaluationInputs(models, options);
  const variants = variantsOf(models, options);
  const total = variants.length * (inputs.cases.length + inputs.calibrationOnly.length);
  const tracker = new ProgressTracker(control, 'evaluate', total, 'evaluation');
  const runs: VariantRun[] = [];
  for (const variant of variants) {
    // One guidance (process, on wasm) per variant, shared by all its reconstructions.
    const guidance = await startGuidance(models, settingsFor(models.preset, variant));
    try {
      runs.push(
        await evaluateVariant(models, inputs, variant, { ...options, guidance }, control, tracker),
      );
    } finally {
      await guidance.stop();
    }
  }
  const { cases, labels } = inputs;
  return {
    split: options.split,
    cases: cases.length,
    healthy: labels.filter((l) => l === 0).length,
    pathological: labels.filter((l) => l === 1).length,
    guided: runs[0].metrics,
    unguided: runs[1]?.metrics ?? null,
    classifierAuroc: classifierAurocs(models, cases, labels, options.classifierTimesteps),
    casesDetail: cases.map((c, i) => ({
      case: c,
      guided: runs[0].results[i],
      unguided: runs[1]?.results[i] ?? null,
    })),
  };
}

/** The evaluated split, the healthy calibration images and the extra image-calibration ones. */
async function readEvaluationInputs(
  models: LoadedModels,
  options: EvaluateOptions,
): Promise<EvaluationInputs> {
  const size = models.diffusion.config.imageSize;
  const all = await readDatasetManifest(options.manifestPath);
  const evaluated = options.cases ?? all.filter((c) => c.split === options.split);
  const calibration = all.filter(
    (c) => c.split === options.calibrationSplit && c.label === 'normal',
  );
  if (evaluated.length === 0)
    throw new Error(`${options.manifestPath}: no images in split "${options.split}"`);
  if (calibration.length === 0)
    throw new Error(
      `${options.manifestPath}: no healthy images in split "${options.calibrationSplit}" to calibrate the threshold`,
    );
  const [cases, calibrationCases, imageCalibrationCases] = await Promise.all([
    prepareCases(evaluated, size),
    prepareCases(calibration, size),
    prepareCases(imageCalibrationSet(all, options), size),
  ]);
  const labels = cases.map((c) => (c.case.label === 'pathological' ? 1 : 0));
  if (!labels.includes(0) || !labels.includes(1))
    throw new Error(`split "${options.split}" needs healthy and pathological images`);
  // Healthy images of the calibration split that are also evaluated are not run twice.
  const byImage = new Map(cases.map((c, i) => [c.case.image, i]));
  const calibrationOnly = calibrationCases.filter((c) => !byImage.has(c.case.image));
  let classifierScoresOfExtra: number[] | undefined;
  return {
    size,
    cases,
    labels,
    calibrationCases,
    calibrationOnly,
    byImage,
    imageCalibrationClassifierScores: () =>
      (classifierScoresOfExtra ??= imageCalibrationCases.length
        ? classifierImageScores(models, imageCalibrationCases)
        : []),
  };
}

/** The preset's settings (with the overrides), then its unguided ablation when asked for. */
function variantsOf(
  models: LoadedModels,
  options: EvaluateOptions,
): Partial<ReconstructionSettings>[] {
  const variants: Partial<ReconstructionSettings>[] = [{ ...options.overrides }];
  // An unguided preset is its own ablation: running it twice would only repeat the numbers.
  if (options.unguided && settingsFor(models.preset, options.overrides).guidanceScale > 0)
    variants.push({ ...options.overrides, guidanceScale: 0 });
  return variants;
}

interface VariantRun {
  metrics: MeasuredVariantMetrics;
  results: SliceResult[];
}

/** One variant: its maps of the cases and calibration images, then its metrics and intervals. */
async function evaluateVariant(
  models: LoadedModels,
  inputs: EvaluationInputs,
  variant: Partial<ReconstructionSettings>,
  options: EvaluateOptions & { guidance: Guidance },
  control: JobControl,
  tracker: ProgressTracker,
): Promise<VariantRun> {
  const { cases, calibrationCases, calibrationOnly, byImage, labels } = inputs;
  const overrides = await withStitchCutOff(models, variant, calibrationCases, options, control);
  const run = (items: PreparedCase[]) =>
    reconstructCases(models, items, overrides, options, control, tracker);
  const started = performance.now();
  const results = await run(cases);
  const seconds = (performance.now() - started) / 1000 / cases.length;
  const extra = await run(calibrationOnly);
  const calibrationResults = calibrationCases.map((c) => {
    const i = byImage.get(c.case.image);
    return i === undefined ? extra[calibrationOnly.indexOf(c)] : results[i];
  });
  await tracker.checkpoint();
  const settings = settingsFor(models.preset, overrides);
  const imageCalibrationScores = [
    ...calibrationResults.map((r) => r.score),
    ...(settings.imageScore === 'classifier' ? inputs.imageCalibrationClassifierScores() : []),
  ];
  const measured = metricsOf(
    models,
    overrides,
    cases,
    results,
    calibrationResults,
    labels,
    seconds,
  );
  return {
    metrics: withIntervals(measured, results, labels, {
      imageCalibrationScores,
      calibrationImages: imageCalibrationScores.length,
      resamples: options.bootstrapResamples ?? 2000,
      imageScoreFpr: models.preset.imageScoreFpr,
    }),
    results,
  };
}

/** The maps of `items` under the variant's settings; progress in images, on the whole tracker. */
async function reconstructCases(
  models: LoadedModels,
  items: PreparedCase[],
  overrides: Partial<ReconstructionSettings>,
  options: EvaluateOptions & { guidance: Guidance },
  control: JobControl,
  tracker: ProgressTracker,
): Promise<SliceResult[]> {
  let reported = 0;
  const { results } = await reconstruct(
    models,
    items.map((c) => ({ size: c.transform.size, pixels: c.pixels })),
    {
      settings: overrides,
      smoothingSigma: options.smoothingSigma,
      batchSize: options.batchSize,
      guidance: options.guidance,
    },
    {
      signal: control.signal,
      onProgress: (p) => {
        const slices = (p.done / p.total) * items.length;
        tracker.step(slices - reported);
        reported = slices;
      },
    },
  );
  return results;
}

/** p(pathological | x_t, t) AUROC at each asked-for t; null without a classifier. */
function classifierAurocs(
  models: LoadedModels,
  cases: PreparedCase[],
  labels: number[],
  timesteps = [0, 100, 250, 500],
): Record<string, number> | null {
  if (!models.classifier) return null;
  return Object.fromEntries(
    timesteps.map((t) => [`t${t}`, auroc(classifierScores(models, cases, t), labels)]),
  );
}

/** The extra healthy images of the image operating point (EvaluateOptions.imageCalibration). */
function imageCalibrationSet(all: DatasetCase[], options: EvaluateOptions): DatasetCase[] {
  if (options.imageCalibrationCases) return options.imageCalibrationCases;
  return options.imageCalibration === 'holdout' ? classifierSplit(all).holdout.healthy : [];
}

/**
 * AutoDDPM's coarse mask needs a pixel cut-off on its first map: calibrated here like the final
 * pixel cut-off (healthy calibration images, pixelFpr), on the first stage's own settings.
 */
async function withStitchCutOff(
  models: LoadedModels,
  overrides: Partial<ReconstructionSettings>,
  calibration: PreparedCase[],
  options: EvaluateOptions & { guidance: Guidance },
  control: JobControl,
): Promise<Partial<ReconstructionSettings>> {
  const settings = settingsFor(models.preset, overrides);
  if (settings.mapMethod !== 'stitch' || settings.maskThreshold !== undefined) return overrides;
  const { results } = await reconstruct(
    models,
    calibration.map((c) => ({ size: c.transform.size, pixels: c.pixels })),
    {
      settings: { ...overrides, mapMethod: 'reconstruction' },
      smoothingSigma: options.smoothingSigma,
      batchSize: options.batchSize,
      guidance: options.guidance,
    },
    { signal: control.signal },
  );
  const maskThreshold = calibrateThreshold(
    results.map((r) => r.sliceMap),
    results.map((r) => r.brainMask),
    models.preset.pixelFpr,
  );
  return { ...overrides, maskThreshold };
}

/** The region where pixel metrics count: the dataset's brain (healthy mask + boxes) when given. */
function evaluationRegion(c: PreparedCase, result: SliceResult): Uint8Array {
  if (!c.healthyMask) return c.brainMask ?? result.brainMask;
  const region = Uint8Array.from(c.healthyMask);
  if (c.findingMask) for (let i = 0; i < region.length; i++) region[i] |= c.findingMask[i];
  return region;
}

/** What metricsOf measures; the image operating point and its verdict come from withIntervals. */
type MetricsBeforeVerdict = Omit<
  MeasuredVariantMetrics,
  'imageVerdict' | 'imageScoreThreshold' | 'imageScoreThresholdMethod'
>;

/** The pathological images' maps, boxes and pixel regions, with their index among all images. */
type PathologicalImage = IntervalInput['pathological'][number] & {
  /** The dataset's brain (healthy mask and boxes) where given: the "brain only" pixel metrics. */
  brain: Uint8Array;
};

/** The plain metrics, and what the intervals resample: the images and each lab box's F1. */
interface Measured {
  metrics: MetricsBeforeVerdict;
  pathological: PathologicalImage[];
  labBoxes: IntervalInput['labBoxes'];
}

function metricsOf(
  models: LoadedModels,
  overrides: Partial<ReconstructionSettings>,
  cases: PreparedCase[],
  results: SliceResult[],
  calibrationResults: SliceResult[],
  labels: number[],
  secondsPerSlice: number,
): Measured {
  const scores = results.map((r) => r.score);
  const mapCutoff = calibrateThreshold(
    calibrationResults.map((r) => r.sliceMap),
    calibrationResults.map((r) => r.brainMask),
    models.preset.pixelFpr,
  );
  const pathological = pathologicalImages(cases, results);
  const maps = pathological.map((p) => p.map);
  const truths = pathological.map((p) => p.truth);
  const everywhere = pathological.map((p) => p.region);
  const brains = pathological.map((p) => p.brain);
  const dice = bestDice(maps, truths, everywhere);
  const boxes = findingBoxes(cases, results);
  const protocol = courseProtocol(boxes, mapCutoff);
  const lab = labF1(boxes.map(inLabUnits), mapCutoff * LAB_MAP_SCALE);
  const settings = settingsFor(models.preset, overrides);
  return {
    metrics: {
      settings,
      imageAuroc: auroc(scores, labels),
      imageAuprc: auprc(scores, labels),
      pixelAuprc: pixelAuprc(maps, truths, everywhere),
      bestDice: dice.dice,
      bestDiceThreshold: dice.mapCutoff,
      pixelAuprcBrain: pixelAuprc(maps, truths, brains),
      bestDiceBrain: bestDice(maps, truths, brains).dice,
      // The contract's (and saved evaluations') name for the pixel cut-off, in map units.
      threshold: mapCutoff,
      thresholdMethod: `value marking ${models.preset.pixelFpr * 100}% of healthy brain pixels of the calibration split`,
      courseF1: protocol.overall.f1,
      courseTp: protocol.overall.tp,
      courseFp: protocol.overall.fp,
      perFinding: protocol.perFinding,
      labF1: lab.f1,
      labPerFinding: lab.perFinding,
      mapUnits: mapUnitsOf(settings),
      roc: rocCurve(scores, labels).map((p) => ({ fpr: p.fpr, tpr: p.tpr })),
      pr: prCurve(scores, labels).map((p) => ({ recall: p.recall, precision: p.precision })),
      secondsPerSlice,
    },
    pathological,
    labBoxes: boxes.map(({ image }, k) => ({
      image,
      findingName: lab.cases[k].findingName,
      f1: lab.cases[k].f1,
    })),
  };
}

/** The images with a finding mask: their maps, truth and regions (every pixel; the brain). */
function pathologicalImages(cases: PreparedCase[], results: SliceResult[]): PathologicalImage[] {
  return cases.flatMap((c, index) =>
    c.findingMask
      ? [
          {
            index,
            map: results[index].sliceMap,
            truth: c.findingMask,
            region: new Uint8Array(c.findingMask.length).fill(1),
            brain: evaluationRegion(c, results[index]),
          },
        ]
      : [],
  );
}

/**
 * One entry per finding box of each pathological image, with the image's index and healthy mask
 * (the course protocol's and the lab F1's cases).
 */
function findingBoxes(
  cases: PreparedCase[],
  results: SliceResult[],
): (FindingCase & { image: number })[] {
  return cases.flatMap((c, image) =>
    c.findingMask
      ? c.perFinding.map((f) => ({
          image,
          findingName: f.name,
          map: results[image].sliceMap,
          boxMask: f.mask,
          healthyMask: c.healthyMask ?? invert(f.mask, results[image].brainMask),
        }))
      : [],
  );
}

/** A box's map in the lab's units (LAB_MAP_SCALE), for the lab F1. */
function inLabUnits(box: FindingCase): FindingCase {
  return { ...box, map: box.map.map((v) => v * LAB_MAP_SCALE) };
}

/**
 * The lab's F1 sums map values and divides by max(box sum, 1), so its scale matters. The lab's
 * images are intensities in [0, 1]; ours are in [-1, 1], twice the range, so the lab F1 is taken
 * on map / 2 (and the map cut-off / 2): the residual as if the images were in [0, 1], as theirs are.
 */
export const LAB_MAP_SCALE = 0.5;

/** The map's units, stated beside the lab's F1, whose max(box sum, 1) depends on them. */
export function mapUnitsOf(settings: ReconstructionSettings): string {
  const residual =
    settings.residual === 'l1-ssim'
      ? '|x - x_hat| (1 - local SSIM), values in [0, 4]'
      : '|x - x_hat|, values in [0, 2]';
  const how = settings.mapNormalisation ?? 'none';
  const normalised = how === 'none' ? '' : `, ${MAP_NORMALISATION_MEANING[how]}`;
  return `${residual}, of intensities scaled to [-1, 1]; smoothed and zero outside the brain${normalised}; lab F1 on map x ${LAB_MAP_SCALE} (intensities in [0, 1], the lab's scale)`;
}

function invert(box: Uint8Array, brain: Uint8Array): Uint8Array {
  return Uint8Array.from(brain, (b, i) => (b && !box[i] ? 1 : 0));
}

/**
 * The image operating point recalibrated on every healthy calibration image (the split's and the
 * extra ones), the image verdict at it, and the 95% intervals of the headline metrics, which
 * resample the images and lab boxes metricsOf measured.
 */
function withIntervals(
  { metrics, pathological, labBoxes }: Measured,
  results: SliceResult[],
  labels: number[],
  options: {
    imageCalibrationScores: number[];
    calibrationImages: number;
    resamples: number;
    imageScoreFpr: number;
  },
): MeasuredVariantMetrics {
  const imageScoreThreshold = calibrateImageScoreThreshold(
    options.imageCalibrationScores,
    options.imageScoreFpr,
  );
  const measured = metricIntervals({
    scores: results.map((r) => r.score),
    labels,
    pathological,
    labBoxes,
    imageScoreThreshold,
    resamples: options.resamples,
  });
  return {
    ...metrics,
    imageScoreThreshold,
    imageScoreThresholdMethod: `image score exceeded by at most ${options.imageScoreFpr * 100}% of ${options.calibrationImages} healthy calibration images`,
    ...(options.resamples > 0 && { intervals: measured.intervals }),
    imageVerdict: measured.imageVerdict,
  };
}

/** The image score 'classifier' of each case: p(pathological | x_0), as reconstruct scores it. */
function classifierImageScores(models: LoadedModels, cases: PreparedCase[]): number[] {
  const slices = cases.map((c) => ({ size: c.transform.size, pixels: c.pixels }));
  return Array.from(pathologicalProbabilities(models.classifier!, slices, 0));
}

/** p(pathological | x_t, t) on seeded noisy versions of the cases. */
function classifierScores(models: LoadedModels, cases: PreparedCase[], t: number): Float32Array {
  const random = mulberry32(1234 + t);
  const ab = models.schedule.alphaBar[t];
  const slices = cases.map((c) => ({
    size: c.transform.size,
    pixels: Float32Array.from(
      c.pixels,
      (v) => Math.sqrt(ab) * v + Math.sqrt(1 - ab) * gaussian(random),
    ),
  }));
  return pathologicalProbabilities(models.classifier!, slices, t);
}
