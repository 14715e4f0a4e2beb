import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  DEFAULT_PATCH_SIZE,
  HEALTHY_RESIDUAL_FILE,
  calibrateHealthyResidual,
  classifierSplit,
  evaluate,
  initBackend,
  loadModels,
  readDatasetManifest,
  type LoadedModels,
  type MapMethod,
  type Preset,
  type ReconstructionSettings,
  type DatasetCase,
  type MeasuredVariantMetrics,
  type HealthyResidualFile,
  type MapNormalisation,
  writeHealthyResidual,
} from '../../engine/index.ts';
import { parseMapMethod, parseMapNormalisation, parseResidual } from '../mapOptions.ts';
import { number, parseChannels } from '../options.ts';
import { defaultModelsDir } from '../paths.ts';
import { cancelOnInterrupt, progressBar } from '../progressBar.ts';

const numbers = (value: string) => value.split(',').map((v) => number(v.trim()));
const listOf =
  <T>(parse: (v: string) => T) =>
  (value: string) =>
    value.split(',').map((v) => parse(v.trim()));

export interface SweepRow {
  settings: ReconstructionSettings & { smoothingSigma: number };
  pixelAuprc: number;
  labF1: number;
  bestDice: number;
  imageAuroc: number;
  courseF1: number;
  /** Map value: the pixel cut-off calibrated on the healthy val images. */
  pixelThreshold: number;
  /** Image score: the image operating point calibrated on the healthy val images. */
  imageScoreThreshold: number;
  secondsPerSlice: number;
  /** Sum of the row's ranks in pixel AUPRC and lab F1 (0 = first in both). */
  rankSum?: number;
}

const RANKING = 'sum of ranks in pixel AUPRC (all pixels of the pathological images) and lab F1';

/**
 * Chooses the preset on data that is not the test split: the healthy val images against the
 * classifier's held-out pathological cases (never trained on). Every combination of the listed
 * settings is measured; s = 0 in the scales gives each setting's unguided ablation.
 */
export function registerSweepCommand(program: Command): void {
  program
    .command('sweep')
    .description(
      'choose L, k, s, encoding, smoothing and the map method on val + held-out classifier cases (never the test split)',
    )
    .requiredOption('--manifest <csv>', 'dataset manifest (brain-mid manifest.csv format)')
    .requiredOption('--out <dir>', 'folder for sweep.json and sweep.md')
    .option('--models <dir>', 'models folder', defaultModelsDir())
    .option('--noise-levels <list>', 'L values', parseChannels, [100, 200, 300])
    .option('--strides <list>', 'k values', parseChannels, [10])
    .option('--scales <list>', 's values (0 = unguided)', numbers, [0, 25, 50, 100])
    .option('--encodings <list>', 'ddim and/or noise', (v: string) => v.split(','), [
      'noise',
      'ddim',
    ])
    .option('--smoothing <list>', 'map smoothing sigmas', numbers, [1])
    .option(
      '--map-methods <list>',
      'reconstruction, stitch and/or patches',
      listOf(parseMapMethod),
      ['reconstruction'],
    )
    .option('--patch-sizes <list>', 'patches: patch sides in pixels', parseChannels, [16])
    .option('--residuals <list>', 'l1 and/or l1-ssim', listOf(parseResidual), ['l1'])
    .option('--draws <list>', 'noise draws averaged (noise encoding)', parseChannels, [1])
    .option(
      '--normalisations <list>',
      'map normalisations: none, healthy-mean, healthy-ratio and/or healthy-z (each setting other than none reconstructs the healthy train images once for its healthy residual)',
      listOf(parseMapNormalisation),
      ['none'],
    )
    .option(
      '--healthy-source <name>',
      'normalisations: the healthy residual from train images of this source, or all',
      'fastMRI',
    )
    .option('--resample-levels <list>', 'stitch: re-noising timesteps (default: L)', parseChannels)
    .option('--limit <n>', 'at most this many pathological cases (quick looks)', number)
    .option(
      '--write-preset',
      'write the winner to MODELS/preset.json (threshold calibrated on val)',
    )
    .action(async (o) => {
      const backend = await initBackend();
      process.stderr.write(`backend: ${backend.name}\n`);
      const models = await loadModels(o.models);
      const cases = sweepCases(await readDatasetManifest(o.manifest), o.limit);
      const controller = cancelOnInterrupt();
      const rows: SweepRow[] = [];
      let classifierAurocT0: number | null = null;
      // Healthy residuals by raw map (one per setting, shared by its normalisations), and the one
      // each normalised row used.
      const residuals = new Map<string, HealthyResidualFile>();
      const residualOfRow = new Map<SweepRow['settings'], HealthyResidualFile>();
      for (const { settings, smoothingSigma } of settingsGrid(o, models)) {
        const rowModels = await withHealthyResidual(models, settings, smoothingSigma, residuals, {
          manifestPath: o.manifest,
          source: o.healthySource,
          signal: controller.signal,
        });
        const report = await evaluate(
          rowModels,
          {
            manifestPath: o.manifest,
            split: 'sweep',
            cases,
            calibrationSplit: 'val',
            unguided: false,
            overrides: settings,
            smoothingSigma,
            classifierTimesteps: classifierAurocT0 === null && models.classifier ? [0] : [],
          },
          { signal: controller.signal, onProgress: progressBar() },
        );
        classifierAurocT0 ??= report.classifierAuroc?.t0 ?? null;
        const g = report.guided;
        const rowSettings = { ...g.settings, smoothingSigma };
        if (rowModels.healthyResidual) residualOfRow.set(rowSettings, rowModels.healthyResidual);
        rows.push({
          settings: rowSettings,
          pixelAuprc: g.pixelAuprc,
          labF1: g.labF1,
          bestDice: g.bestDice,
          imageAuroc: g.imageAuroc,
          courseF1: g.courseF1,
          ...operatingPointsOf(g),
          secondsPerSlice: g.secondsPerSlice,
        });
        process.stdout.write(`${JSON.stringify(rows.at(-1))}\n`);
      }
      const ranked = rankRows(rows);
      const set = `${cases.filter((c) => c.label === 'normal').length} healthy val + ${cases.filter((c) => c.label === 'pathological').length} held-out classifier_train pathological`;
      await writeSweep(o.out, set, ranked, classifierAurocT0);
      process.stdout.write(`${sweepTable(ranked, classifierAurocT0)}\nwinner on ${set}\n`);
      if (o.writePreset && ranked[0]) {
        await writePreset(o.models, models.preset, ranked[0], classifierAurocT0, set, rows.length);
        // A normalised winner needs its healthy residual beside the preset.
        const residual = residualOfRow.get(ranked[0].settings);
        if (residual) {
          await writeHealthyResidual(join(o.models, HEALTHY_RESIDUAL_FILE), residual);
          process.stdout.write(`wrote ${join(o.models, HEALTHY_RESIDUAL_FILE)}\n`);
        }
      }
    });
}

/** The healthy val images and the classifier's held-out pathological cases; never test. */
export function sweepCases(all: DatasetCase[], limit?: number): DatasetCase[] {
  const pathological = classifierSplit(all).holdout.pathological;
  return [
    ...all.filter((c) => c.split === 'val' && c.label === 'normal'),
    ...pathological.slice(0, limit ?? pathological.length),
  ];
}

/**
 * Every combination of the given values, the last axis varying fastest (as nested loops over the
 * axes in their order would give).
 */
function* combinations<T extends Record<string, readonly unknown[]>>(
  axes: T,
): Generator<{ [K in keyof T]: T[K][number] }> {
  const names = Object.keys(axes) as (keyof T)[];
  const at = names.map(() => 0);
  if (names.some((name) => axes[name].length === 0)) return;
  for (;;) {
    yield Object.fromEntries(names.map((name, i) => [name, axes[name][at[i]]])) as {
      [K in keyof T]: T[K][number];
    };
    let i = names.length - 1;
    while (i >= 0 && ++at[i] === axes[names[i]].length) at[i--] = 0;
    if (i < 0) return;
  }
}

/** Every combination of the listed settings that can run (draws need noise, s > 0 a classifier). */
function* settingsGrid(o: Record<string, unknown>, models: LoadedModels) {
  const axes = combinations({
    encoding: o.encodings as ('ddim' | 'noise')[],
    noiseLevel: o.noiseLevels as number[],
    stride: o.strides as number[],
    guidanceScale: o.scales as number[],
    smoothingSigma: o.smoothing as number[],
    mapMethod: o.mapMethods as MapMethod[],
    residual: o.residuals as ('l1' | 'l1-ssim')[],
    noiseDraws: o.draws as number[],
    mapNormalisation: o.normalisations as MapNormalisation[],
  });
  for (const { smoothingSigma, ...base } of axes) {
    const { encoding, noiseLevel, guidanceScale, mapMethod, noiseDraws } = base;
    if (guidanceScale > 0 && !models.classifier) continue;
    if ((noiseDraws > 1 || mapMethod === 'patches') && encoding !== 'noise') continue;
    // the re-sample level belongs to the stitch, the patch side to the patches
    const resampleLevels: (number | undefined)[] =
      mapMethod === 'stitch'
        ? ((o.resampleLevels as number[] | undefined) ?? [noiseLevel])
        : [undefined];
    const patchSizes: (number | undefined)[] =
      mapMethod === 'patches' ? (o.patchSizes as number[]) : [undefined];
    for (const resampleLevel of resampleLevels)
      for (const patchSize of patchSizes) {
        const settings: ReconstructionSettings = {
          ...base,
          ...(resampleLevel !== undefined && { resampleLevel }),
          ...(patchSize !== undefined && { patchSize }),
        };
        yield { settings, smoothingSigma };
      }
  }
}

/** What identifies a raw map: its settings without the normalisation, and its smoothing. */
function rawMapKey(settings: ReconstructionSettings, smoothingSigma: number): string {
  return JSON.stringify({ ...settings, mapNormalisation: 'none', smoothingSigma });
}

/**
 * The models as a row needs them: for a normalised map, with the healthy residual of the row's
 * own raw map (healthy train images, never val or test), made once per raw map and kept.
 */
async function withHealthyResidual(
  models: LoadedModels,
  settings: ReconstructionSettings,
  smoothingSigma: number,
  residuals: Map<string, HealthyResidualFile>,
  options: { manifestPath: string; source: string; signal: AbortSignal },
): Promise<LoadedModels> {
  if ((settings.mapNormalisation ?? 'none') === 'none') return models;
  const key = rawMapKey(settings, smoothingSigma);
  let residual = residuals.get(key);
  if (!residual) {
    process.stderr.write(`healthy residual for ${key}\n`);
    residual = await calibrateHealthyResidual(
      { ...models, preset: { ...models.preset, smoothingSigma } },
      { manifestPath: options.manifestPath, source: options.source, overrides: settings },
      { signal: options.signal, onProgress: progressBar() },
    );
    residuals.set(key, residual);
  }
  return { ...models, healthyResidual: residual };
}

/** Rows ordered by the sum of their ranks in pixel AUPRC and lab F1 (ties: pixel AUPRC). */
export function rankRows(rows: SweepRow[]): SweepRow[] {
  const rankBy = (key: 'pixelAuprc' | 'labF1') => {
    const order = [...rows].sort((a, b) => b[key] - a[key]);
    return (row: SweepRow) => order.findIndex((r) => r[key] === row[key]);
  };
  const [byAuprc, byLab] = [rankBy('pixelAuprc'), rankBy('labF1')];
  return rows
    .map((row) => ({ ...row, rankSum: byAuprc(row) + byLab(row) }))
    .sort((a, b) => a.rankSum - b.rankSum || b.pixelAuprc - a.pixelAuprc);
}

/** The sweep as a Markdown table, best first, for the model card. */
export function sweepTable(rows: SweepRow[], classifierAurocT0: number | null): string {
  const head =
    '| encoding | L | k | s | map | residual | draws | normalisation | resample t | sigma | pixel AUPRC | lab F1 | best Dice | image AUROC | course F1 | pixel threshold | image threshold | s/slice |';
  const lines = [head, `|${' --- |'.repeat(18)}`];
  for (const { settings: s, ...m } of rows)
    lines.push(
      `| ${[
        s.encoding,
        s.noiseLevel,
        s.stride,
        s.guidanceScale,
        s.mapMethod === 'patches'
          ? `patches ${s.patchSize ?? DEFAULT_PATCH_SIZE} px`
          : (s.mapMethod ?? 'reconstruction'),
        s.residual ?? 'l1',
        s.noiseDraws ?? 1,
        s.mapNormalisation ?? 'none',
        s.mapMethod === 'stitch' ? (s.resampleLevel ?? s.noiseLevel) : '',
        s.smoothingSigma,
        m.pixelAuprc.toFixed(3),
        m.labF1.toFixed(3),
        m.bestDice.toFixed(3),
        m.imageAuroc.toFixed(3),
        m.courseF1.toFixed(3),
        m.pixelThreshold.toFixed(4),
        m.imageScoreThreshold.toFixed(4),
        m.secondsPerSlice.toFixed(2),
      ].join(' | ')} |`,
    );
  if (classifierAurocT0 !== null)
    lines.push(
      '',
      `classifier p(pathological | x_0, t = 0) as the image score: AUROC ${classifierAurocT0.toFixed(3)}`,
    );
  return lines.join('\n');
}

async function writeSweep(
  out: string,
  set: string,
  rows: SweepRow[],
  classifierAurocT0: number | null,
): Promise<void> {
  await mkdir(out, { recursive: true });
  const json = { set, ranking: RANKING, classifierAurocT0, rows };
  await writeFile(join(out, 'sweep.json'), JSON.stringify(json, null, 2) + '\n');
  await writeFile(
    join(out, 'sweep.md'),
    `Sweep on ${set}, ranked by the ${RANKING}.\n\n${sweepTable(rows, classifierAurocT0)}\n`,
  );
}

/**
 * The winner becomes the preset; the image score is the classifier's p(x_0) where that beats the
 * winner's map score on the sweep set.
 */
async function writePreset(
  dir: string,
  current: Preset,
  winner: SweepRow,
  classifierAurocT0: number | null,
  set: string,
  count: number,
): Promise<void> {
  const { smoothingSigma, ...settings } = winner.settings;
  const imageScore =
    classifierAurocT0 !== null && classifierAurocT0 > winner.imageAuroc ? 'classifier' : 'map';
  const preset: Preset = {
    ...current,
    ...settings,
    name: 'default',
    smoothingSigma,
    imageScore,
    pixelThreshold: winner.pixelThreshold,
    // A row's image operating point is on its map score; the classifier's p needs its own.
    imageScoreThreshold: imageScore === 'classifier' ? null : winner.imageScoreThreshold,
    calibrationSet: calibrationSetOf(set),
    chosenBy: `sweep of ${count} settings on ${set}, ranked by the ${RANKING}; image score ${imageScore}`,
  };
  await writeFile(join(dir, 'preset.json'), JSON.stringify(preset, null, 2) + '\n');
  process.stdout.write(`wrote ${join(dir, 'preset.json')}\n`);
  if (imageScore === 'classifier')
    process.stdout.write(
      'the image score is now the classifier probability: run `anomap calibrate --split val --write-preset` for its image operating point\n',
    );
}

/** Both calibrated thresholds of a sweep row, each named with its unit. */
function operatingPointsOf(metrics: MeasuredVariantMetrics) {
  return { pixelThreshold: metrics.threshold, imageScoreThreshold: metrics.imageScoreThreshold };
}

/** The healthy images both thresholds were calibrated on (evaluate's calibration split, val). */
function calibrationSetOf(set: string): string {
  return `val split: ${set.split(' + ')[0]}`;
}
