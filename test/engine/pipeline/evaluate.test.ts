import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend.ts';
import { calibratePreset } from '../../../src-main/engine/calibratePreset.ts';
import { VariantMetricsSchema } from '../../../src-main/contract/index.ts';
import { evaluate, type MeasuredVariantMetrics } from '../../../src-main/engine/evaluate.ts';
import { metricIntervals } from '../../../src-main/engine/evaluateIntervals.ts';
import {
  RankedPixels,
  weightedAuroc,
  weightedLabF1,
} from '../../../src-main/engine/metrics/bootstrap.ts';
import { labF1 } from '../../../src-main/engine/metrics/index.ts';
import { pathologicalProbability } from '../../../src-main/engine/predictors.ts';
import { prepareCases, readDatasetManifest } from '../../../src-main/engine/train/dataset.ts';
import { classifierSplit } from '../../../src-main/engine/train/index.ts';
import { disposeModels, loadModels, type LoadedModels } from '../../../src-main/engine/pipeline.ts';
import type { Progress } from '../../../src-main/engine/types.ts';
import {
  writeSyntheticBrainDataset,
  type SyntheticDataset,
} from '../../fixtures/syntheticBrainDataset.ts';
import { pairwiseAuroc } from '../../fixtures/pairwiseAuroc.ts';
import { writeTinyModels } from '../../fixtures/tinyModels.ts';

// Seen through, so a test can read what evaluate hands the intervals.
vi.mock('../../../src-main/engine/evaluateIntervals.ts', async (importOriginal) => {
  const real =
    await importOriginal<typeof import('../../../src-main/engine/evaluateIntervals.ts')>();
  return { ...real, metricIntervals: vi.fn(real.metricIntervals) };
});

let root: string;
let models: LoadedModels;
let dataset: SyntheticDataset;

beforeAll(async () => {
  await initBackend();
  root = await mkdtemp(join(tmpdir(), 'anomap-evaluate-'));
  await writeTinyModels(join(root, 'models'));
  models = await loadModels(join(root, 'models'));
  dataset = await writeSyntheticBrainDataset(join(root, 'data'));
});

afterAll(async () => {
  disposeModels(models);
  await rm(root, { recursive: true, force: true });
});

function expectEveryMetric(v: MeasuredVariantMetrics) {
  for (const key of [
    'imageAuroc',
    'imageAuprc',
    'pixelAuprc',
    'bestDice',
    'pixelAuprcBrain',
    'bestDiceBrain',
    'courseF1',
    'labF1',
  ] as const) {
    expect(v[key], key).toBeGreaterThanOrEqual(0);
    expect(v[key], key).toBeLessThanOrEqual(1);
  }
  expect(Number.isFinite(v.threshold)).toBe(true);
  expect(v.threshold).toBeGreaterThan(0);
  expect(v.thresholdMethod).toMatch(/5% of healthy brain pixels of the calibration split/);
  expect(Number.isInteger(v.courseTp) && Number.isInteger(v.courseFp)).toBe(true);
  expect(Object.keys(v.perFinding).sort()).toEqual(['edema', 'mass']);
  expect(v.perFinding.mass.n).toBe(3);
  expect(v.perFinding.edema.n).toBe(1);
  expect(v.labPerFinding.mass.n).toBe(3);
  expect(v.labPerFinding.edema.n).toBe(1);
  // The lab's F1 is the mean over findings of the per-finding means.
  expect(v.labF1).toBeCloseTo((v.labPerFinding.mass.f1 + v.labPerFinding.edema.f1) / 2, 12);
  expect(v.mapUnits).toMatch(
    /\|x - x_hat\|, values in \[0, 2\], of intensities scaled to \[-1, 1\]/,
  );
  expect(v.roc[0]).toEqual({ fpr: 0, tpr: 0 });
  expect(v.roc[v.roc.length - 1]).toEqual({ fpr: 1, tpr: 1 });
  expect(v.pr.length).toBeGreaterThan(1);
  expect(v.secondsPerSlice).toBeGreaterThan(0);
}

describe('evaluate', () => {
  it('returns every metric for the preset and its unguided ablation on the test split', async () => {
    const seen: Progress[] = [];
    const report = await evaluate(
      models,
      {
        manifestPath: dataset.manifestPath,
        split: 'test',
        calibrationSplit: 'val',
        unguided: true,
        classifierTimesteps: [0, 100],
      },
      { onProgress: (p) => seen.push(p) },
    );
    expect(report).toMatchObject({ split: 'test', cases: 6, healthy: 3, pathological: 3 });
    expectEveryMetric(report.guided);
    expectEveryMetric(report.unguided!);
    // The contract's schema, which every job and view parses, drops none of what the engine computed.
    expect(VariantMetricsSchema.parse(report.guided)).toEqual(report.guided);
    expect(VariantMetricsSchema.parse(report.unguided)).toEqual(report.unguided);
    expect(report.guided.settings.guidanceScale).toBe(5);
    expect(report.unguided!.settings).toMatchObject({
      guidanceScale: 0,
      noiseLevel: 20,
      stride: 10,
    });
    expect(Object.keys(report.classifierAuroc!)).toEqual(['t0', 't100']);
    expect(report.casesDetail).toHaveLength(6);
    expect(report.casesDetail.every((d) => d.unguided !== null)).toBe(true);
    // The guided and unguided maps differ: the classifier's gradient changes the reconstruction.
    const [g, u] = [
      report.casesDetail[0].guided.sliceMap,
      report.casesDetail[0].unguided!.sliceMap,
    ];
    expect(g.some((v, i) => Math.abs(v - u[i]) > 1e-6)).toBe(true);
    // The lab F1 is taken on the map in the lab's [0, 1] intensity units: map / 2, threshold / 2.
    const boxes = report.casesDetail.flatMap((d) =>
      d.case.perFinding.map((f) => ({
        findingName: f.name,
        map: d.guided.sliceMap.map((v) => v / 2),
        boxMask: f.mask,
        healthyMask: d.case.healthyMask!,
      })),
    );
    expect(report.guided.labF1).toBe(labF1(boxes, report.guided.threshold / 2).f1);
    expect(report.guided.mapUnits).toMatch(/lab F1 on map x 0.5 \(intensities in \[0, 1\]/);
    // 2 variants x (6 test + 4 calibration images).
    expect(seen[seen.length - 1]).toMatchObject({ phase: 'evaluate', done: 20, total: 20 });
  });

  it('computes its numbers from its own maps and scores, checked by second implementations', async () => {
    const report = await evaluate(models, {
      manifestPath: dataset.manifestPath,
      split: 'test',
      calibrationSplit: 'val',
      unguided: false,
      classifierTimesteps: [],
    });
    const guided = report.guided;
    const labels = report.casesDetail.map((d) => (d.case.case.label === 'pathological' ? 1 : 0));
    const scores = report.casesDetail.map((d) => d.guided.score);
    expect(guided.imageAuroc).toBeCloseTo(pairwiseAuroc(scores, labels), 12);
    // Pixel AUPRC over every pixel of the pathological images against the finding boxes.
    const pathological = report.casesDetail.filter((d) => d.case.findingMask);
    const values = pathological.flatMap((d) => Array.from(d.guided.sliceMap));
    const truths = pathological.flatMap((d) => Array.from(d.case.findingMask!));
    expect(guided.pixelAuprc).toBeCloseTo(stepwiseAveragePrecision(values, truths), 9);
    // Both operating points are those of the healthy val images, calibrated on their own.
    const calibration = await calibratePreset(models, dataset.manifestPath, 'val');
    expect(guided.threshold).toBe(calibration.pixelThreshold);
    expect(guided.imageScoreThreshold).toBe(calibration.imageScoreThreshold);
    // 5% of 4 images: none of them may score above the image operating point.
    expect(guided.imageScoreThreshold).toBe(
      Math.max(...calibration.healthyScores.map((h) => h.score)),
    );
    expect(guided.imageScoreThresholdMethod).toMatch(/at most 5% of 4 healthy calibration images/);
    // The verdict at that point, counted here from the scores: score > threshold is pathological.
    const called = scores.map((s) => s > guided.imageScoreThreshold);
    const verdict = guided.imageVerdict;
    expect(verdict.truePositives).toBe(called.filter((c, i) => c && labels[i] === 1).length);
    expect(verdict.falsePositives).toBe(called.filter((c, i) => c && labels[i] === 0).length);
    expect(verdict.truePositives + verdict.falseNegatives).toBe(3);
    expect(verdict.trueNegatives + verdict.falsePositives).toBe(3);
    expect(verdict.sensitivity).toBe(verdict.truePositives / 3);
    // Every headline metric has a 95% interval around it.
    for (const key of ['imageAuroc', 'pixelAuprc', 'bestDice', 'labF1'] as const) {
      const interval = guided.intervals![key];
      expect(interval.low, key).toBeLessThanOrEqual(guided[key] + 1e-12);
      expect(interval.high, key).toBeGreaterThanOrEqual(guided[key] - 1e-12);
      expect(interval.high, key).toBeGreaterThanOrEqual(interval.low);
    }
    expect(guided.intervals!.imageSensitivity.low).toBeLessThanOrEqual(verdict.sensitivity);
    expect(guided.intervals!.imageSpecificity.high).toBeGreaterThanOrEqual(verdict.specificity);
  });

  it("resamples what the plain metrics measured: the intervals' point estimates are the metrics", async () => {
    vi.mocked(metricIntervals).mockClear();
    const report = await evaluate(models, {
      manifestPath: dataset.manifestPath,
      split: 'test',
      calibrationSplit: 'val',
      unguided: false,
      classifierTimesteps: [],
      bootstrapResamples: 0,
    });
    expect(vi.mocked(metricIntervals)).toHaveBeenCalledTimes(1);
    const [input] = vi.mocked(metricIntervals).mock.calls[0];
    const guided = report.guided;
    // Every image and lab box at weight 1: the bootstrap's statistic on the original sample.
    const images = new Float64Array(input.scores.length).fill(1);
    expect(weightedAuroc(input.scores, input.labels, images)).toBeCloseTo(guided.imageAuroc, 12);
    const pixels = new RankedPixels(
      input.pathological.map((p) => p.map),
      input.pathological.map((p) => p.truth),
      input.pathological.map((p) => p.region),
    ).measure(images);
    expect(pixels.auprc).toBeCloseTo(guided.pixelAuprc, 9);
    expect(pixels.bestDice).toBeCloseTo(guided.bestDice, 9);
    expect(weightedLabF1(input.labBoxes, images)).toBeCloseTo(guided.labF1, 12);
    // Each lab box belongs to a pathological image, and each such image has its boxes.
    const pathological = report.casesDetail.flatMap((d, i) => (d.case.findingMask ? [i] : []));
    expect([...new Set(input.labBoxes.map((b) => b.image))]).toEqual(pathological);
    expect(input.labBoxes).toHaveLength(
      report.casesDetail.reduce((n, d) => n + d.case.perFinding.length, 0),
    );
  });

  it("calibrates the image operating point on more healthy images when the score is the classifier's", async () => {
    const all = await readDatasetManifest(dataset.manifestPath);
    const extra = all.filter((c) => c.split === 'train' && c.label === 'normal');
    const options = {
      manifestPath: dataset.manifestPath,
      split: 'test',
      calibrationSplit: 'val',
      unguided: false,
      classifierTimesteps: [],
      imageCalibrationCases: extra,
      bootstrapResamples: 0,
    };
    // With the unguided ablation too: both variants take the extra images' scores (computed once).
    const byClassifier = await evaluate(models, {
      ...options,
      unguided: true,
      overrides: { imageScore: 'classifier' },
    });
    const prepared = await prepareCases(
      [...all.filter((c) => c.split === 'val'), ...extra],
      models.diffusion.config.imageSize,
    );
    const p = pathologicalProbability(
      models.classifier!,
      prepared.map((c) => ({ size: c.transform.size, pixels: c.pixels })),
      0,
    );
    // floor(5% of 16) = 0 may lie above: the highest of the 16 classifier scores.
    expect(byClassifier.guided.imageScoreThreshold).toBeCloseTo(Math.max(...p), 6);
    expect(byClassifier.guided.imageScoreThresholdMethod).toMatch(
      /of 16 healthy calibration images/,
    );
    expect(byClassifier.unguided!.imageScoreThreshold).toBeCloseTo(Math.max(...p), 6);
    expect(byClassifier.unguided!.imageScoreThresholdMethod).toMatch(
      /of 16 healthy calibration images/,
    );
    expect(byClassifier.guided.intervals).toBeUndefined();
    // A map score keeps to the calibration split: the diffusion model may have trained on the extra images.
    const byMap = await evaluate(models, { ...options, overrides: { imageScore: 'map' } });
    expect(byMap.guided.imageScoreThresholdMethod).toMatch(/of 4 healthy calibration images/);
  });

  it("calibrate: the image operating point on the split and the classifier's held-out healthy cases", async () => {
    const byClassifier = {
      ...models,
      preset: { ...models.preset, imageScore: 'classifier' as const },
    };
    const calibration = await calibratePreset(
      byClassifier,
      dataset.manifestPath,
      'val',
      {},
      'holdout',
    );
    const all = await readDatasetManifest(dataset.manifestPath);
    const cases = await prepareCases(
      [...all.filter((c) => c.split === 'val'), ...classifierSplit(all).holdout.healthy],
      models.diffusion.config.imageSize,
    );
    const p = pathologicalProbability(
      models.classifier!,
      cases.map((c) => ({ size: c.transform.size, pixels: c.pixels })),
      0,
    );
    expect(calibration.healthyScores.map((h) => h.image)).toEqual(cases.map((c) => c.case.image));
    // 5% of 5 images: none may lie above, so the point is the highest of the five.
    expect(calibration.imageScoreThreshold).toBeCloseTo(Math.max(...p), 6);
    expect(calibration.calibrationSet).toMatch(
      /and the classifier's 1 held-out healthy train images \(5\)/,
    );
    // The pixel cut-off is the split's alone, as without the extra images.
    const splitOnly = await calibratePreset(byClassifier, dataset.manifestPath, 'val', {}, 'none');
    expect(calibration.pixelThreshold).toBe(splitOnly.pixelThreshold);
    expect(splitOnly.healthyScores).toHaveLength(4);
  });

  it('skips the ablation when asked and applies overrides', async () => {
    const report = await evaluate(models, {
      manifestPath: dataset.manifestPath,
      split: 'test',
      calibrationSplit: 'val',
      unguided: false,
      overrides: { guidanceScale: 0, stride: 20 },
    });
    expect(report.unguided).toBeNull();
    expect(report.guided.settings).toMatchObject({ guidanceScale: 0, stride: 20 });
    // An unguided setting is its own ablation: asked for, it is not run a second time.
    const unguidedOnly = await evaluate(models, {
      manifestPath: dataset.manifestPath,
      split: 'test',
      calibrationSplit: 'val',
      unguided: true,
      overrides: { guidanceScale: 0, stride: 20 },
      bootstrapResamples: 0,
    });
    expect(unguidedOnly.unguided).toBeNull();
  });

  it('calibrates the stitch mask cut-off on the first stage and stores it with the settings', async () => {
    const options = {
      manifestPath: dataset.manifestPath,
      split: 'test',
      calibrationSplit: 'val',
      unguided: true,
      classifierTimesteps: [],
    };
    const stitch = await evaluate(models, {
      ...options,
      overrides: { mapMethod: 'stitch', residual: 'l1-ssim', encoding: 'noise' },
    });
    const first = await evaluate(models, {
      ...options,
      overrides: { residual: 'l1-ssim', encoding: 'noise' },
    });
    // The first stage's calibrated threshold is the stitch's mask cut-off, guided and unguided.
    expect(stitch.guided.settings.maskThreshold).toBe(first.guided.threshold);
    expect(stitch.unguided!.settings.maskThreshold).toBe(first.unguided!.threshold);
    expect(stitch.guided.settings).toMatchObject({ mapMethod: 'stitch', residual: 'l1-ssim' });
    expect(stitch.guided.mapUnits).toMatch(/1 - local SSIM/);
  });

  it('names the manifest and split when a split is empty or has no healthy calibration images', async () => {
    const base = { manifestPath: dataset.manifestPath, calibrationSplit: 'val', unguided: false };
    await expect(evaluate(models, { ...base, split: 'nothing' })).rejects.toThrow(
      /manifest\.csv: no images in split "nothing"/,
    );
    await expect(
      evaluate(models, { ...base, split: 'test', calibrationSplit: 'classifier_train' }),
    ).rejects.toThrow(/no healthy images in split "classifier_train" to calibrate the threshold/);
    await expect(evaluate(models, { ...base, split: 'val' })).rejects.toThrow(
      /split "val" needs healthy and pathological images/,
    );
  });
});

/** Average precision, sum over distinct values (descending) of (R_k - R_{k-1}) P_k, in float64. */
function stepwiseAveragePrecision(values: number[], truths: number[]): number {
  const order = values.map((v, i) => [v, truths[i] ? 1 : 0]).sort((a, b) => b[0] - a[0]);
  const positives = order.filter(([, t]) => t).length;
  let [tp, fp, area, recalled] = [0, 0, 0, 0];
  for (let i = 0; i < order.length; i++) {
    if (order[i][1]) tp++;
    else fp++;
    if (i + 1 < order.length && order[i + 1][0] === order[i][0]) continue; // ties step together
    area += ((tp - recalled) / positives) * (tp / (tp + fp));
    recalled = tp;
  }
  return area;
}
