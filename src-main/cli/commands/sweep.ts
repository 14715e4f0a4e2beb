import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  evaluate,
  initBackend,
  loadModels,
  readDatasetManifest,
  type Preset,
  type VariantMetrics,
} from '../../engine/index.ts';
import type { DatasetCase } from '../../engine/train/dataset.ts';
import { classifierSplit } from '../../engine/train/index.ts';
import { number, parseChannels } from '../options.ts';
import { defaultModelsDir } from '../paths.ts';
import { cancelOnInterrupt, progressBar } from '../progressBar.ts';

const numbers = (value: string) => value.split(',').map((v) => number(v.trim()));

/**
 * Chooses the preset on data that is not the test split: the healthy val images against the
 * classifier's held-out pathological cases (never trained on). Ranks the settings by the sum of
 * their ranks in image AUROC and pixel AUPRC, so neither metric alone decides.
 */
export function registerSweepCommand(program: Command): void {
  program
    .command('sweep')
    .description(
      'choose L, k, s, encoding and smoothing on val + held-out classifier cases (never the test split)',
    )
    .requiredOption('--manifest <csv>', 'dataset manifest (brain-mid manifest.csv format)')
    .requiredOption('--out <dir>', 'folder for sweep.json')
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
      '--write-preset',
      'write the winner to MODELS/preset.json (threshold calibrated on val)',
    )
    .action(async (o) => {
      const backend = await initBackend();
      process.stderr.write(`backend: ${backend.name}\n`);
      const models = await loadModels(o.models);
      const all = await readDatasetManifest(o.manifest);
      const cases = [
        ...all.filter((c) => c.split === 'val' && c.label === 'normal'),
        ...classifierSplit(all).holdout.pathological,
      ];
      const controller = cancelOnInterrupt();
      const rows: {
        settings: Record<string, unknown>;
        imageAuroc: number;
        pixelAuprc: number;
        bestDice: number;
        courseF1: number;
        pixelThreshold: number;
        imageScoreThreshold: number;
        secondsPerSlice: number;
      }[] = [];
      for (const encoding of o.encodings as ('ddim' | 'noise')[])
        for (const noiseLevel of o.noiseLevels as number[])
          for (const stride of o.strides as number[])
            for (const guidanceScale of o.scales as number[])
              for (const sigma of o.smoothing as number[]) {
                if (guidanceScale > 0 && !models.classifier) continue;
                const settings = { encoding, noiseLevel, stride, guidanceScale };
                const report = await evaluate(
                  models,
                  {
                    manifestPath: o.manifest,
                    split: 'sweep',
                    cases,
                    calibrationSplit: 'val',
                    unguided: false,
                    overrides: settings,
                    smoothingSigma: sigma,
                    classifierTimesteps: [],
                  },
                  { signal: controller.signal, onProgress: progressBar() },
                );
                const g = report.guided;
                rows.push({
                  settings: { ...settings, smoothingSigma: sigma },
                  imageAuroc: g.imageAuroc,
                  pixelAuprc: g.pixelAuprc,
                  bestDice: g.bestDice,
                  courseF1: g.courseF1,
                  ...operatingPointsOf(g),
                  secondsPerSlice: g.secondsPerSlice,
                });
                process.stdout.write(`${JSON.stringify(rows.at(-1))}\n`);
              }
      const rank = (key: 'imageAuroc' | 'pixelAuprc') => {
        const order = [...rows].sort((a, b) => b[key] - a[key]);
        return (row: (typeof rows)[number]) => order.indexOf(row);
      };
      const [byAuroc, byAuprc] = [rank('imageAuroc'), rank('pixelAuprc')];
      const ranked = [...rows].sort((a, b) => byAuroc(a) + byAuprc(a) - (byAuroc(b) + byAuprc(b)));
      const winner = ranked[0];
      await mkdir(o.out, { recursive: true });
      const set = `${cases.filter((c) => c.label === 'normal').length} healthy val + ${cases.filter((c) => c.label === 'pathological').length} held-out classifier_train pathological`;
      await writeFile(
        join(o.out, 'sweep.json'),
        JSON.stringify(
          { set, ranking: 'sum of ranks in image AUROC and pixel AUPRC', rows: ranked },
          null,
          2,
        ) + '\n',
      );
      process.stdout.write(`winner on ${set}: ${JSON.stringify(winner)}\n`);
      if (o.writePreset && winner) {
        const s = winner.settings as {
          encoding: 'ddim' | 'noise';
          noiseLevel: number;
          stride: number;
          guidanceScale: number;
          smoothingSigma: number;
        };
        const preset: Preset = {
          ...models.preset,
          name: 'default',
          ...s,
          pixelThreshold: winner.pixelThreshold,
          imageScoreThreshold: winner.imageScoreThreshold,
          calibrationSet: calibrationSetOf(cases),
          chosenBy: `sweep of ${rows.length} settings on ${set}, ranked by the sum of ranks in image AUROC and pixel AUPRC`,
        };
        await writeFile(join(o.models, 'preset.json'), JSON.stringify(preset, null, 2) + '\n');
        process.stdout.write(`wrote ${join(o.models, 'preset.json')}\n`);
      }
    });
}

/** Both calibrated thresholds of a sweep row, each named with its unit. */
function operatingPointsOf(metrics: VariantMetrics) {
  return { pixelThreshold: metrics.threshold, imageScoreThreshold: metrics.imageScoreThreshold };
}

/** The healthy images both thresholds were calibrated on (evaluate's calibration split, val). */
function calibrationSetOf(cases: DatasetCase[]): string {
  return `val split, ${cases.filter((c) => c.split === 'val' && c.label === 'normal').length} healthy images`;
}
