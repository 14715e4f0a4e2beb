import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { aboveThreshold } from '../../contract/index.ts';
import {
  DEFAULT_PATCH_SIZE,
  evaluate,
  initBackend,
  loadModels,
  type EvaluationReport,
  type ReconstructionSettings,
  type MeasuredVariantMetrics,
  type Preset,
} from '../../engine/index.ts';

import { grayscaleRgb, heatmapRgb, outlineMask, writeGrid } from '../images.ts';
import { batchSize, integer, number, parseImageCalibration } from '../options.ts';
import { defaultModelsDir } from '../paths.ts';
import { datasetOptions, manifestOf } from '../dataset.ts';
import { mapMethodOptions, settingsOverrides } from '../mapOptions.ts';
import { cancelOnInterrupt, progressBar } from '../progressBar.ts';

export function registerEvaluateCommand(program: Command): void {
  mapMethodOptions(
    datasetOptions(
      program
        .command('evaluate')
        .description('metrics of the preset and of its unguided ablation on a labelled split'),
    ),
  )
    .requiredOption('--out <dir>', 'folder for metrics.json and the example grid')
    .option('--split <name>', 'split to evaluate', 'test')
    .option('--calibration-split <name>', 'healthy split that calibrates the threshold', 'val')
    .option(
      '--image-calibration <set>',
      "holdout: the classifier's held-out healthy cases join the calibration split for the image operating point when the image score is the classifier's; none: the calibration split only",
      parseImageCalibration,
      'holdout',
    )
    .option('--bootstrap <n>', 'bootstrap resamples for the 95% intervals (0: none)', integer, 2000)
    .option('--models <dir>', 'models folder', defaultModelsDir())
    .option('--unguided', 'also run the unguided ablation (s = 0) with the same L and k', true)
    .option('--no-unguided', 'skip the unguided ablation')
    .option('--noise-level <L>', 'override L', integer)
    .option('--stride <k>', 'override k', integer)
    .option('--scale <s>', 'override s', number)
    .option('--encoding <how>', 'override the encoding: ddim or noise')
    .option('--smoothing <sigma>', 'override the map smoothing (pixels)', number)
    .option('--batch <n>', 'slices reconstructed together', batchSize, 8)
    .option('--grid <n>', 'cases in the example grid', integer, 8)
    .option(
      '--write-verdict',
      "write the image verdict's sensitivity and specificity on this split into MODELS/preset.json (the preset's own settings and operating point only)",
    )
    .action(async (o) => {
      const overrides = settingsOverrides(o);
      const backend = await initBackend();
      process.stderr.write(`backend: ${backend.name} (${backend.reason})\n`);
      const manifestPath = await manifestOf(o, 'evaluate');
      const models = await loadModels(o.models);
      const controller = cancelOnInterrupt();
      const report = await evaluate(
        models,
        {
          manifestPath,
          split: o.split,
          calibrationSplit: o.calibrationSplit,
          unguided: o.unguided,
          overrides,
          smoothingSigma: o.smoothing,
          batchSize: o.batch,
          bootstrapResamples: o.bootstrap,
          imageCalibration: o.imageCalibration,
        },
        { signal: controller.signal, onProgress: progressBar() },
      );
      await mkdir(o.out, { recursive: true });
      const metrics = metricsJson(report, {
        models: o.models,
        backend: backend.name,
        preset: models.preset,
        diffusion: models.diffusion.manifest.training,
        classifier: models.classifier?.manifest.training ?? null,
      });
      await writeFile(join(o.out, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
      await writeExampleGrid(join(o.out, 'grid.png'), report, o.grid);
      process.stdout.write(formatTable(report) + `\nmetrics.json and grid.png in ${o.out}\n`);
      if (o.writeVerdict) {
        const path = join(o.models, 'preset.json');
        const preset = withVerdictPerformance(models.preset, report, Object.keys(overrides).length);
        await writeFile(path, JSON.stringify(preset, null, 2) + '\n');
        process.stdout.write(`wrote the verdict's sensitivity and specificity into ${path}\n`);
      }
    });
}

/**
 * The preset with the verdict performance measured here: only for the preset's own settings and
 * its own image operating point, or the figures would describe another verdict.
 */
function withVerdictPerformance(
  preset: Preset,
  report: EvaluationReport,
  overrides: number,
): Preset {
  const g = report.guided;
  if (overrides > 0)
    throw new Error(
      '--write-verdict measures the preset as it is: leave out the setting overrides',
    );
  if (
    preset.imageScoreThreshold === null ||
    Math.abs(g.imageScoreThreshold - preset.imageScoreThreshold) > 1e-9
  )
    throw new Error(
      `--write-verdict: this evaluation's image operating point (${g.imageScoreThreshold}) is not the preset's (${preset.imageScoreThreshold}); run 'anomap calibrate --write-preset' on the same images first`,
    );
  const v = g.imageVerdict;
  const rate = (hits: number, n: number, key: string, set: string) => {
    const interval = g.intervals?.[key];
    if (!interval) throw new Error('--write-verdict needs the intervals (--bootstrap above 0)');
    return { value: hits / n, low: interval.low, high: interval.high, n, set };
  };
  return {
    ...preset,
    verdictPerformance: {
      sensitivity: rate(
        v.truePositives,
        v.truePositives + v.falseNegatives,
        'imageSensitivity',
        `${report.split} split, pathological images`,
      ),
      specificity: rate(
        v.trueNegatives,
        v.trueNegatives + v.falsePositives,
        'imageSpecificity',
        `${report.split} split, healthy images`,
      ),
    },
  };
}

function variantJson(v: MeasuredVariantMetrics) {
  return {
    settings: v.settings,
    imageAuroc: v.imageAuroc,
    imageAuprc: v.imageAuprc,
    pixelAuprc: v.pixelAuprc,
    bestDice: v.bestDice,
    pixelAuprcBrain: v.pixelAuprcBrain,
    bestDiceBrain: v.bestDiceBrain,
    courseF1: v.courseF1,
    labF1: v.labF1,
    labPerFinding: v.labPerFinding,
    mapUnits: v.mapUnits,
    courseTp: v.courseTp,
    courseFp: v.courseFp,
    pixelThreshold: v.threshold,
    pixelThresholdMethod: v.thresholdMethod,
    imageScoreThreshold: v.imageScoreThreshold,
    imageScoreThresholdMethod: v.imageScoreThresholdMethod,
    perFinding: v.perFinding,
    imageVerdict: v.imageVerdict,
    intervals95: v.intervals ?? null,
    secondsPerSlice: v.secondsPerSlice,
    roc: v.roc,
    pr: v.pr,
  };
}

export function metricsJson(report: EvaluationReport, context: Record<string, unknown>) {
  return {
    split: report.split,
    cases: { total: report.cases, healthy: report.healthy, pathological: report.pathological },
    guided: variantJson(report.guided),
    unguided: report.unguided ? variantJson(report.unguided) : null,
    classifierAuroc: report.classifierAuroc,
    imageVerdicts: imageVerdicts(report),
    scores: report.casesDetail.map((d) => ({
      image: d.case.case.image,
      label: d.case.case.label,
      guided: d.guided.score,
      unguided: d.unguided?.score ?? null,
    })),
    ...context,
  };
}

/** How many healthy and pathological images each variant calls pathological at its image threshold. */
function imageVerdicts(report: EvaluationReport) {
  const count = (variant: 'guided' | 'unguided', label: string) => {
    const threshold = report[variant]?.imageScoreThreshold ?? null;
    return report.casesDetail.filter((d) => {
      const score = d[variant]?.score;
      return d.case.case.label === label && score !== undefined && aboveThreshold(score, threshold);
    }).length;
  };
  const of = (variant: 'guided' | 'unguided') => ({
    healthy: count(variant, 'normal'),
    pathological: count(variant, 'pathological'),
  });
  return { guided: of('guided'), unguided: report.unguided ? of('unguided') : null };
}

/** A metric with its 95% interval where measured: "0.777 [0.652, 0.884]". */
function withInterval(v: MeasuredVariantMetrics, key: string, value: number): string {
  const interval = v.intervals?.[key];
  return interval
    ? `${value.toFixed(3)} [${interval.low.toFixed(3)}, ${interval.high.toFixed(3)}]`
    : value.toFixed(3);
}

function verdictCell(v: MeasuredVariantMetrics, key: 'sensitivity' | 'specificity'): string {
  const verdict = v.imageVerdict;
  const [hits, of] =
    key === 'sensitivity'
      ? [verdict.truePositives, verdict.truePositives + verdict.falseNegatives]
      : [verdict.trueNegatives, verdict.trueNegatives + verdict.falsePositives];
  const name = key === 'sensitivity' ? 'imageSensitivity' : 'imageSpecificity';
  return `${withInterval(v, name, verdict[key])} ${hits}/${of}`;
}

const TABLE_ROWS: [string, (v: MeasuredVariantMetrics) => string][] = [
  ['image AUROC', (v) => withInterval(v, 'imageAuroc', v.imageAuroc)],
  ['image AUPRC', (v) => v.imageAuprc.toFixed(3)],
  ['pixel AUPRC', (v) => withInterval(v, 'pixelAuprc', v.pixelAuprc)],
  ['best Dice', (v) => withInterval(v, 'bestDice', v.bestDice)],
  ['  in brain only', (v) => `${v.pixelAuprcBrain.toFixed(3)} / ${v.bestDiceBrain.toFixed(3)}`],
  ['lab F1', (v) => withInterval(v, 'labF1', v.labF1)],
  ['sensitivity', (v) => verdictCell(v, 'sensitivity')],
  ['specificity', (v) => verdictCell(v, 'specificity')],
  ['course TP / FP', (v) => `${v.courseTp} / ${v.courseFp}`],
  ['course F1', (v) => v.courseF1.toFixed(3)],
  ['pixel threshold', (v) => v.threshold.toFixed(4)],
  ['image threshold', (v) => v.imageScoreThreshold.toFixed(4)],
  ['s per slice', (v) => v.secondsPerSlice.toFixed(2)],
];

function settingsLine(settings: ReconstructionSettings): string {
  const map = [
    `map=${settings.mapMethod ?? 'reconstruction'}`,
    `residual=${settings.residual ?? 'l1'}`,
    settings.noiseDraws && settings.noiseDraws > 1 && `draws=${settings.noiseDraws}`,
    settings.mapMethod === 'stitch' &&
      `resample t=${settings.resampleLevel ?? settings.noiseLevel}`,
    settings.mapMethod === 'patches' && `patch=${settings.patchSize ?? DEFAULT_PATCH_SIZE}px`,
    settings.imageScore === 'classifier' && 'image score=classifier p(x_0)',
  ];
  return `L=${settings.noiseLevel} k=${settings.stride} encoding=${settings.encoding} ${map.filter(Boolean).join(' ')}`;
}

export function formatTable(report: EvaluationReport): string {
  const g = report.guided;
  const u = report.unguided;
  const lines = [
    `split ${report.split}: ${report.healthy} healthy + ${report.pathological} pathological; ${settingsLine(g.settings)}`,
    `map units: ${g.mapUnits}`,
    `95% intervals in brackets: bootstrap over images (${report.healthy} + ${report.pathological}); sensitivity and specificity at the image threshold: Wilson`,
    `${'metric'.padEnd(16)}${(g.settings.guidanceScale > 0 ? `guided s=${g.settings.guidanceScale}` : 'unguided s=0 (the preset)').padEnd(30)}${u ? 'unguided s=0' : ''}`,
  ];
  for (const [name, f] of TABLE_ROWS)
    lines.push(`${name.padEnd(16)}${f(g).padEnd(30)}${u ? f(u) : ''}`);
  if (report.classifierAuroc)
    lines.push(
      `classifier AUROC ${Object.entries(report.classifierAuroc)
        .map(([t, a]) => `${t}=${a.toFixed(3)}`)
        .join(' ')}`,
    );
  const verdicts = imageVerdicts(report);
  lines.push(
    `above the image threshold: ${verdicts.guided.healthy}/${report.healthy} healthy, ${verdicts.guided.pathological}/${report.pathological} pathological (the preset)`,
  );
  return [...lines, ...perFindingLines(g, u)].join('\n');
}

/**
 * Per finding, the preset (then its unguided ablation, where run): the lab's mean F1, then the
 * pooled course protocol's counts.
 */
function perFindingLines(g: MeasuredVariantMetrics, u: MeasuredVariantMetrics | null): string[] {
  const names = Object.keys(g.labPerFinding).sort();
  if (!names.length) return [];
  const cell = (v: MeasuredVariantMetrics, name: string) => {
    const lab = v.labPerFinding[name];
    const course = v.perFinding[name];
    return `${lab.f1.toFixed(2)} (${course.tp}/${course.n} ${course.fp})`;
  };
  return [
    `per finding, the preset${u ? ' / unguided s=0' : ''}: lab F1 (course TP/n FP)`,
    ...names.map(
      (name) => `  ${name.padEnd(34)}${cell(g, name).padEnd(18)}${u ? cell(u, name) : ''}`,
    ),
  ];
}

/** Input, reconstruction, map and input with boxes, for pathological cases first, then healthy ones. */
async function writeExampleGrid(
  path: string,
  report: EvaluationReport,
  count: number,
): Promise<void> {
  const details = [
    ...report.casesDetail.filter((d) => d.case.findingMask),
    ...report.casesDetail.filter((d) => !d.case.findingMask),
  ];
  const picked = [
    ...details.slice(0, Math.ceil((count * 3) / 4)),
    ...details.filter((d) => !d.case.findingMask).slice(0, Math.floor(count / 4)),
  ];
  const size = picked[0]?.case.transform.size ?? 64;
  const max = Math.max(...picked.map((d) => Math.max(...d.guided.sliceMap)), 1e-6);
  const rows = picked.map((d) => {
    const input = grayscaleRgb(d.case.pixels);
    const row = [input, grayscaleRgb(d.guided.reconstruction), heatmapRgb(d.guided.sliceMap, max)];
    if (d.unguided)
      row.push(grayscaleRgb(d.unguided.reconstruction), heatmapRgb(d.unguided.sliceMap, max));
    row.push(
      d.case.findingMask ? outlineMask(input, d.case.findingMask, size, [0, 255, 0]) : input,
    );
    return row;
  });
  if (rows.length) await writeGrid(path, rows, size, 2);
}
