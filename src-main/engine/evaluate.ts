import { calibrateThreshold } from './anomaly/index.ts';
import {
  auprc,
  auroc,
  bestDice,
  courseProtocol,
  pixelAuprc,
  rocCurve,
  prCurve,
  type CourseProtocolResult,
} from './metrics/index.ts';
import { mulberry32, gaussian } from './nn/params.ts';
import { calibrateImageScoreThreshold } from './operatingPoint.ts';
import {
  pathologicalProbability,
  reconstruct,
  type LoadedModels,
  type SliceResult,
} from './pipeline.ts';
import { ProgressTracker } from './progress.ts';
import {
  prepareCases,
  readDatasetManifest,
  type DatasetCase,
  type PreparedCase,
} from './train/dataset.ts';
import type { JobControl, ReconstructionSettings } from './types.ts';

export interface EvaluateOptions {
  manifestPath: string;
  split: string;
  /** Healthy images that calibrate the threshold (never the evaluated split). */
  calibrationSplit: string;
  /** Evaluate these cases instead of the split (e.g. a sweep set); `split` then only names them. */
  cases?: DatasetCase[];
  /** Also run the unguided ablation (s = 0) with the same L and k. */
  unguided: boolean;
  overrides?: Partial<ReconstructionSettings>;
  smoothingSigma?: number;
  classifierTimesteps?: number[];
  batchSize?: number;
}

export interface VariantMetrics {
  settings: ReconstructionSettings;
  imageAuroc: number;
  imageAuprc: number;
  /** Over every pixel of the pathological images (ALGORITHM.md): the boxes' share is chance. */
  pixelAuprc: number;
  bestDice: number;
  bestDiceThreshold: number;
  /** The same inside the brain only (healthy mask + boxes, or the brain mask): a harder chance level. */
  pixelAuprcBrain: number;
  bestDiceBrain: number;
  /** The pixel cut-off (map value) calibrated on the healthy calibration images. */
  threshold: number;
  thresholdMethod: string;
  /** The image operating point (image score) calibrated on the same healthy images. */
  imageScoreThreshold: number;
  imageScoreThresholdMethod: string;
  courseF1: number;
  courseTp: number;
  courseFp: number;
  perFinding: CourseProtocolResult['perFinding'];
  roc: { fpr: number; tpr: number }[];
  pr: { recall: number; precision: number }[];
  secondsPerSlice: number;
}

export interface EvaluationReport {
  split: string;
  cases: number;
  healthy: number;
  pathological: number;
  guided: VariantMetrics;
  unguided: VariantMetrics | null;
  classifierAuroc: Record<string, number> | null;
  /** Per-case results of the guided run, in manifest order, for grids and reports. */
  casesDetail: { case: PreparedCase; guided: SliceResult; unguided: SliceResult | null }[];
}

/** Runs the preset (and its unguided ablation) on a split and computes every metric of ALGORITHM.md. */
export async function evaluate(
  models: LoadedModels,
  options: EvaluateOptions,
  control: JobControl = {},
): Promise<EvaluationReport> {
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
  const [cases, calibrationCases] = await Promise.all([
    prepareCases(evaluated, size),
    prepareCases(calibration, size),
  ]);
  const labels = cases.map((c) => (c.case.label === 'pathological' ? 1 : 0));
  if (!labels.includes(0) || !labels.includes(1))
    throw new Error(`split "${options.split}" needs healthy and pathological images`);

  const variants: Partial<ReconstructionSettings>[] = [{ ...options.overrides }];
  if (options.unguided) variants.push({ ...options.overrides, guidanceScale: 0 });
  // Healthy images of the calibration split that are also evaluated are not run twice.
  const byImage = new Map(cases.map((c, i) => [c.case.image, i]));
  const calibrationOnly = calibrationCases.filter((c) => !byImage.has(c.case.image));
  const total = variants.length * (cases.length + calibrationOnly.length);
  const tracker = new ProgressTracker(control, 'evaluate', total, 'evaluation');
  const runs: { metrics: VariantMetrics; results: SliceResult[] }[] = [];
  for (const overrides of variants) {
    const started = performance.now();
    const run = async (items: PreparedCase[]) => {
      let reported = 0;
      return (
        await reconstruct(
          models,
          items.map((c) => ({ size, pixels: c.pixels })),
          {
            settings: overrides,
            smoothingSigma: options.smoothingSigma,
            batchSize: options.batchSize,
          },
          {
            signal: control.signal,
            onProgress: (p) => {
              const slices = (p.done / p.total) * items.length;
              tracker.step(slices - reported);
              reported = slices;
            },
          },
        )
      ).results;
    };
    const results = await run(cases);
    const seconds = (performance.now() - started) / 1000 / cases.length;
    const extra = await run(calibrationOnly);
    const calibrationResults = calibrationCases.map((c) => {
      const i = byImage.get(c.case.image);
      return i === undefined ? extra[calibrationOnly.indexOf(c)] : results[i];
    });
    await tracker.checkpoint();
    runs.push({
      metrics: metricsOf(models, overrides, cases, results, calibrationResults, labels, seconds),
      results,
    });
  }
  const classifierAuroc = models.classifier
    ? Object.fromEntries(
        (options.classifierTimesteps ?? [0, 100, 250, 500]).map((t) => [
          `t${t}`,
          auroc(classifierScores(models, cases, t), labels),
        ]),
      )
    : null;
  return {
    split: options.split,
    cases: cases.length,
    healthy: labels.filter((l) => l === 0).length,
    pathological: labels.filter((l) => l === 1).length,
    guided: runs[0].metrics,
    unguided: runs[1]?.metrics ?? null,
    classifierAuroc,
    casesDetail: cases.map((c, i) => ({
      case: c,
      guided: runs[0].results[i],
      unguided: runs[1]?.results[i] ?? null,
    })),
  };
}

/** The region where pixel metrics count: the dataset's brain (healthy mask + boxes) when given. */
function evaluationRegion(c: PreparedCase, result: SliceResult): Uint8Array {
  if (!c.healthyMask) return c.brainMask ?? result.brainMask;
  const region = Uint8Array.from(c.healthyMask);
  if (c.findingMask) for (let i = 0; i < region.length; i++) region[i] |= c.findingMask[i];
  return region;
}

function metricsOf(
  models: LoadedModels,
  overrides: Partial<ReconstructionSettings>,
  cases: PreparedCase[],
  results: SliceResult[],
  calibrationResults: SliceResult[],
  labels: number[],
  secondsPerSlice: number,
): VariantMetrics {
  const scores = results.map((r) => r.score);
  const threshold = calibrateThreshold(
    calibrationResults.map((r) => r.anomalyMap),
    calibrationResults.map((r) => r.brainMask),
    models.preset.pixelFpr,
  );
  const pathological = cases.map((c, i) => ({ c, r: results[i] })).filter(({ c }) => c.findingMask);
  const maps = pathological.map(({ r }) => r.anomalyMap);
  const truths = pathological.map(({ c }) => c.findingMask!);
  const regions = pathological.map(({ c, r }) => evaluationRegion(c, r));
  const everywhere = maps.map((m) => new Uint8Array(m.length).fill(1));
  const dice = bestDice(maps, truths, everywhere);
  const protocol = courseProtocol(
    pathological.flatMap(({ c, r }) =>
      c.perFinding.map((f) => ({
        findingName: f.name,
        map: r.anomalyMap,
        boxMask: f.mask,
        healthyMask: c.healthyMask ?? invert(f.mask, r.brainMask),
      })),
    ),
    threshold,
  );
  const settings = {
    noiseLevel: models.preset.noiseLevel,
    stride: models.preset.stride,
    guidanceScale: models.preset.guidanceScale,
    encoding: models.preset.encoding,
    seed: models.preset.seed,
    ...overrides,
  };
  return {
    settings,
    imageAuroc: auroc(scores, labels),
    imageAuprc: auprc(scores, labels),
    pixelAuprc: pixelAuprc(maps, truths, everywhere),
    bestDice: dice.dice,
    bestDiceThreshold: dice.threshold,
    pixelAuprcBrain: pixelAuprc(maps, truths, regions),
    bestDiceBrain: bestDice(maps, truths, regions).dice,
    threshold,
    thresholdMethod: `value marking ${models.preset.pixelFpr * 100}% of healthy brain pixels of the calibration split`,
    ...imageOperatingPoint(models, calibrationResults),
    courseF1: protocol.overall.f1,
    courseTp: protocol.overall.tp,
    courseFp: protocol.overall.fp,
    perFinding: protocol.perFinding,
    roc: rocCurve(scores, labels).map((p) => ({ fpr: p.fpr, tpr: p.tpr })),
    pr: prCurve(scores, labels).map((p) => ({ recall: p.recall, precision: p.precision })),
    secondsPerSlice,
  };
}

/** The image score that at most imageScoreFpr of the healthy calibration images exceed. */
function imageOperatingPoint(models: LoadedModels, calibrationResults: SliceResult[]) {
  const fpr = models.preset.imageScoreFpr;
  return {
    imageScoreThreshold: calibrateImageScoreThreshold(
      calibrationResults.map((r) => r.score),
      fpr,
    ),
    imageScoreThresholdMethod: `image score exceeded by at most ${fpr * 100}% of the healthy images of the calibration split`,
  };
}

function invert(box: Uint8Array, brain: Uint8Array): Uint8Array {
  return Uint8Array.from(brain, (b, i) => (b && !box[i] ? 1 : 0));
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
  const out = new Float32Array(slices.length);
  for (let i = 0; i < slices.length; i += 16)
    out.set(pathologicalProbability(models.classifier!, slices.slice(i, i + 16), t), i);
  return out;
}
