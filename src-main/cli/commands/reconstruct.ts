import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import {
  initBackend,
  loadModels,
  preprocessSlice,
  readGrayscale,
  reconstruct,
  type ReconstructionSettings,
} from '../../engine/index.ts';
import { grayscaleRgb, heatmapRgb, writeGray16, writeGrid } from '../images.ts';
import { mapMethodOptions, mapOverrides } from '../mapOptions.ts';
import { integer, number } from '../options.ts';
import { defaultModelsDir } from '../paths.ts';
import { cancelOnInterrupt, progressBar } from '../progressBar.ts';

export function registerReconstructCommand(program: Command): void {
  mapMethodOptions(program.command('reconstruct'))
    .description(
      'pseudo-healthy reconstruction and anomaly map of image files (PNG, JPEG, TIFF; 8 or 16 bit)',
    )
    .argument('<images...>', 'image files')
    .requiredOption('--out <dir>', 'output folder')
    .option(
      '--models <dir>',
      'models folder (diffusion/, classifier/, preset.json)',
      defaultModelsDir(),
    )
    .option(
      '--preset <name>',
      'default (the shipped operating point) or unguided (the same with s = 0)',
      'default',
    )
    .option('--noise-level <L>', 'noise level L (overrides the preset)', integer)
    .option('--stride <k>', 'DDIM stride k (overrides the preset)', integer)
    .option('--scale <s>', 'guidance scale s (overrides the preset)', number)
    .option('--encoding <how>', 'ddim (deterministic inversion) or noise (q_sample to L)')
    .option('--batch <n>', 'slices reconstructed together', integer, 8)
    .action(async (images: string[], o) => {
      if (o.preset !== 'default' && o.preset !== 'unguided')
        throw new Error(`unknown preset "${o.preset}" (default or unguided)`);
      if (o.encoding !== undefined && o.encoding !== 'ddim' && o.encoding !== 'noise')
        throw new Error(`--encoding must be ddim or noise, got "${o.encoding}"`);
      const backend = await initBackend();
      process.stderr.write(`backend: ${backend.name} (${backend.reason})\n`);
      const models = await loadModels(o.models);
      const size = models.diffusion.config.imageSize;
      const inputs = await Promise.all(
        images.map(async (path) => {
          const image = await readGrayscale(path);
          return { path, ...preprocessSlice(image.pixels, image.width, image.height, size) };
        }),
      );
      const overrides: Partial<ReconstructionSettings> = {
        ...(o.noiseLevel !== undefined && { noiseLevel: o.noiseLevel }),
        ...(o.stride !== undefined && { stride: o.stride }),
        ...(o.scale !== undefined && { guidanceScale: o.scale }),
        ...(o.encoding !== undefined && { encoding: o.encoding }),
        ...(o.preset === 'unguided' && { guidanceScale: 0 }),
        ...mapOverrides(o),
      };
      const controller = cancelOnInterrupt();
      const started = performance.now();
      const { results, settings } = await reconstruct(
        models,
        inputs.map((i) => ({ size, pixels: i.pixels })),
        { settings: overrides, batchSize: o.batch },
        { signal: controller.signal, onProgress: progressBar() },
      );
      const seconds = (performance.now() - started) / 1000;
      await mkdir(o.out, { recursive: true });
      const maxMap = Math.max(...results.map((r) => Math.max(...r.anomalyMap)), 1e-6);
      const report = [];
      for (const [i, input] of inputs.entries()) {
        const stem = basename(input.path, extname(input.path));
        const result = results[i];
        await writeGray16(
          join(o.out, `${stem}.reconstruction.png`),
          result.reconstruction,
          size,
          -1,
          1,
        );
        await writeGray16(join(o.out, `${stem}.map.png`), result.anomalyMap, size, 0, maxMap);
        await writeGrid(
          join(o.out, `${stem}.png`),
          [
            [
              grayscaleRgb(input.pixels),
              grayscaleRgb(result.reconstruction),
              heatmapRgb(result.anomalyMap, maxMap),
            ],
          ],
          size,
          3,
        );
        report.push({
          image: input.path,
          score: result.score,
          aboveThreshold:
            models.preset.threshold === null ? null : result.score > models.preset.threshold,
          transform: input.transform,
        });
      }
      const summary = {
        backend: backend.name,
        models: {
          dir: o.models,
          diffusion: models.diffusion.manifest.training,
          classifier: models.classifier?.manifest.training ?? null,
        },
        preset: models.preset.name,
        settings,
        smoothingSigma: models.preset.smoothingSigma,
        mapScale: { low: 0, high: maxMap },
        secondsPerSlice: seconds / inputs.length,
        results: report,
      };
      await writeFile(join(o.out, 'results.json'), JSON.stringify(summary, null, 2) + '\n');
      for (const r of report) process.stdout.write(`${r.image}\tscore ${r.score.toFixed(4)}\n`);
      process.stdout.write(
        `${inputs.length} slice(s) in ${seconds.toFixed(1)} s on ${backend.name}; L=${settings.noiseLevel} k=${settings.stride} s=${settings.guidanceScale} ${settings.encoding}; outputs in ${o.out}\n`,
      );
    });
}
