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
  type VariantMetrics,
} from '../../engine/index.ts';
import { grayscaleRgb, heatmapRgb, outlineMask, writeGrid } from '../images.ts';
import { batchSize, integer, number } from '../options.ts';
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
    });
}

function variantJson(v: VariantMetrics) {
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
    mapScale: v.mapScale,
    courseTp: v.courseTp,
    courseFp: v.courseFp,
    pixelThreshold: v.threshold,
    pixelThresholdMethod: v.thresholdMethod,
    imageScoreThreshold: v.imageScoreThreshold,
    imageScoreThresholdMethod: v.imageScoreThresholdMethod,
    perFinding: v.perFinding,
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

const TABLE_ROWS: [string, (v: VariantMetrics) => string][] = [
  ['image AUROC', (v) => v.imageAuroc.toFixed(3)],
  ['image AUPRC', (v) => v.imageAuprc.toFixed(3)],
  ['pixel AUPRC', (v) => v.pixelAuprc.toFixed(3)],
  ['best Dice', (v) => v.bestDice.toFixed(3)],
  ['  in brain only', (v) => `${v.pixelAuprcBrain.toFixed(3)} / ${v.bestDiceBrain.toFixed(3)}`],
  ['lab F1', (v) => v.labF1.toFixed(3)],
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
    `map scale: ${g.mapScale}`,
    `${'metric'.padEnd(16)}${`guided s=${g.settings.guidanceScale}`.padEnd(16)}${u ? 'unguided s=0' : ''}`,
  ];
  for (const [name, f] of TABLE_ROWS)
    lines.push(`${name.padEnd(16)}${f(g).padEnd(16)}${u ? f(u) : ''}`);
  if (report.classifierAuroc)
    lines.push(
      `classifier AUROC ${Object.entries(report.classifierAuroc)
        .map(([t, a]) => `${t}=${a.toFixed(3)}`)
        .join(' ')}`,
    );
  const verdicts = imageVerdicts(report);
  lines.push(
    `above the image threshold: ${verdicts.guided.healthy}/${report.healthy} healthy, ${verdicts.guided.pathological}/${report.pathological} pathological (guided)`,
  );
  return [...lines, ...perFindingLines(g, u)].join('\n');
}

/** Per finding, guided / unguided: the lab's mean F1, then the pooled course protocol's counts. */
function perFindingLines(g: VariantMetrics, u: VariantMetrics | null): string[] {
  const names = Object.keys(g.labPerFinding).sort();
  if (!names.length) return [];
  const cell = (v: VariantMetrics, name: string) => {
    const lab = v.labPerFinding[name];
    const course = v.perFinding[name];
    return `${lab.f1.toFixed(2)} (${course.tp}/${course.n} ${course.fp})`;
  };
  return [
    'per finding, guided / unguided: lab F1 (course TP/n FP)',
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
  const max = Math.max(...picked.map((d) => Math.max(...d.guided.anomalyMap)), 1e-6);
  const rows = picked.map((d) => {
    const input = grayscaleRgb(d.case.pixels);
    const row = [
      input,
      grayscaleRgb(d.guided.reconstruction),
      heatmapRgb(d.guided.anomalyMap, max),
    ];
    if (d.unguided)
      row.push(grayscaleRgb(d.unguided.reconstruction), heatmapRgb(d.unguided.anomalyMap, max));
    row.push(
      d.case.findingMask ? outlineMask(input, d.case.findingMask, size, [0, 255, 0]) : input,
    );
    return row;
  });
  if (rows.length) await writeGrid(path, rows, size, 2);
}
