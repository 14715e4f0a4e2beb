import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { aboveThreshold } from '../../contract/index.ts';
import * as engine from '../../engine/index.ts';
import type {
  Preset,
  ReconstructionSettings,
  SliceResult,
  SliceTransform,
} from '../../engine/index.ts';
import { reconstructImages } from '../../jobs/reconstructImages.ts';
import { grayscaleRgb, heatmapRgb, writeGray16, writeGrid } from '../images.ts';
import { mapMethodOptions, settingsOverrides } from '../mapOptions.ts';
import { batchSize, integer, number } from '../options.ts';
import { defaultModelsDir } from '../paths.ts';
import { cancelOnInterrupt, progressBar } from '../progressBar.ts';
import { cohortOptions, reconstructCohortIfAsked } from './reconstructCohort.ts';

export function registerReconstructCommand(program: Command): void {
  cohortOptions(mapMethodOptions(program.command('reconstruct')))
    .description(
      'pseudo-healthy reconstruction and anomaly map of image files (PNG, JPEG, TIFF; 8 or 16 bit), or of a cohort (--manifest or --library) or one shard of it (--shard I/N)',
    )
    .argument('[images...]', 'image files (none for a cohort)')
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
    .option('--batch <n>', 'slices reconstructed together', batchSize, 8)
    .action(async (images: string[], o) => {
      if (o.preset !== 'default' && o.preset !== 'unguided')
        throw new Error(`unknown preset "${o.preset}" (default or unguided)`);
      const overrides: Partial<ReconstructionSettings> = {
        ...settingsOverrides(o),
        ...(o.preset === 'unguided' && { guidanceScale: 0 }),
      };
      if (await reconstructCohortIfAsked(images, o)) return;
      const backend = await engine.initBackend();
      process.stderr.write(`backend: ${backend.name} (${backend.reason})\n`);
      const models = await engine.loadModels(o.models);
      const size = models.diffusion.config.imageSize;
      const settings = engine.settingsFor(models.preset, overrides);
      const controller = cancelOnInterrupt();
      const progress = new engine.ProgressTracker(
        { signal: controller.signal, onProgress: progressBar() },
        'reconstruct',
        images.length,
        'reconstruction',
      );
      const inputs: Input[] = [];
      const results: SliceResult[] = [];
      const started = performance.now();
      // The same orchestration as the app's reconstruct job: one guidance for all the images.
      const guidance = await engine.startGuidance(models, settings);
      try {
        await reconstructImages(
          engine,
          models,
          images,
          engine.readGrayscale,
          { settings, guidance, batchSize: o.batch },
          { signal: controller.signal, progress },
          async (batch) => {
            batch.items.forEach((path, i) =>
              inputs.push({ path, pixels: batch.slices[i].pixels, transform: batch.transforms[i] }),
            );
            results.push(...batch.results);
          },
        );
      } finally {
        await guidance.stop();
      }
      const seconds = (performance.now() - started) / 1000;
      // The operating point holds for the settings it was calibrated with, not for overrides.
      const imageScoreThreshold = engine.imageOperatingPointFor(models.preset, settings);
      const { report, mapScale } = await writeOutputs(
        o.out,
        inputs,
        results,
        size,
        imageScoreThreshold,
      );
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
        operatingPoint: {
          ...operatingPointOf(models.preset),
          usedForVerdicts: imageScoreThreshold !== null,
        },
        mapScale,
        secondsPerSlice: seconds / inputs.length,
        results: report,
      };
      await writeFile(join(o.out, 'results.json'), JSON.stringify(summary, null, 2) + '\n');
      for (const r of report)
        process.stdout.write(
          `${r.image}\tscore ${r.score.toFixed(4)}\t${verdictText(r.aboveThreshold)}\n`,
        );
      process.stdout.write(
        `${inputs.length} slice(s) in ${seconds.toFixed(1)} s on ${backend.name}; L=${settings.noiseLevel} k=${settings.stride} s=${settings.guidanceScale} ${settings.encoding}, map ${settings.mapNormalisation ?? 'none'}; outputs in ${o.out}\n`,
      );
    });
}

/** An image file as the engine took it: its preprocessed slice and the way back to its pixels. */
interface Input {
  path: string;
  pixels: Float32Array;
  transform: SliceTransform;
}

/** The preset's operating points as results.json states them, each with its unit in its name. */
function operatingPointOf(preset: Preset) {
  return {
    imageScoreThreshold: preset.imageScoreThreshold,
    imageScoreFpr: preset.imageScoreFpr,
    pixelThreshold: preset.pixelThreshold,
    pixelFpr: preset.pixelFpr,
    calibrationSet: preset.calibrationSet,
  };
}

function verdictText(above: boolean | null): string {
  if (above === null) return 'no image verdict (no operating point for these settings)';
  return above ? 'above the image operating point' : 'below the image operating point';
}

/** Writes each slice's PNGs; returns its entry of results.json, with the image verdict. */
async function writeOutputs(
  out: string,
  inputs: Input[],
  results: SliceResult[],
  size: number,
  imageScoreThreshold: number | null,
) {
  await mkdir(out, { recursive: true });
  const maxMap = Math.max(...results.map((r) => Math.max(...r.sliceMap)), 1e-6);
  const report = [];
  for (const [i, input] of inputs.entries()) {
    const stem = basename(input.path, extname(input.path));
    const result = results[i];
    await writeGray16(join(out, `${stem}.reconstruction.png`), result.reconstruction, size, -1, 1);
    await writeGray16(join(out, `${stem}.map.png`), result.sliceMap, size, 0, maxMap);
    await writeGrid(
      join(out, `${stem}.png`),
      [
        [
          grayscaleRgb(input.pixels),
          grayscaleRgb(result.reconstruction),
          heatmapRgb(result.sliceMap, maxMap),
        ],
      ],
      size,
      3,
    );
    report.push({
      image: input.path,
      score: result.score,
      // The image score against the image operating point, never against the pixel cut-off.
      aboveThreshold: aboveThreshold(result.score, imageScoreThreshold),
      transform: input.transform,
    });
  }
  return { report, mapScale: { low: 0, high: maxMap } };
}
