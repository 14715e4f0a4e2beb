import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { aboveThreshold } from '../../contract/index.ts';
import {
  initBackend,
  loadModels,
  preprocessSlice,
  readGrayscale,
  reconstruct,
  settingsFor,
  type Preset,
  type ReconstructionSettings,
  type SliceResult,
  type SliceTransform,
} from '../../engine/index.ts';
import { grayscaleRgb, heatmapRgb, writeGray16, writeGrid } from '../images.ts';
import { mapMethodOptions, settingsOverrides } from '../mapOptions.ts';
import { batchSize, integer, number } from '../options.ts';
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
    .option('--batch <n>', 'slices reconstructed together', batchSize, 8)
    .action(async (images: string[], o) => {
      if (o.preset !== 'default' && o.preset !== 'unguided')
        throw new Error(`unknown preset "${o.preset}" (default or unguided)`);
      const overrides: Partial<ReconstructionSettings> = {
        ...settingsOverrides(o),
        ...(o.preset === 'unguided' && { guidanceScale: 0 }),
      };
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
      const controller = cancelOnInterrupt();
      const started = performance.now();
      const { results, settings } = await reconstruct(
        models,
        inputs.map((i) => ({ size, pixels: i.pixels })),
        { settings: overrides, batchSize: o.batch },
        { signal: controller.signal, onProgress: progressBar() },
      );
      const seconds = (performance.now() - started) / 1000;
      // The operating point holds for the settings it was calibrated with, not for overrides.
      const imageScoreThreshold = isPresetSettings(models.preset, settings)
        ? models.preset.imageScoreThreshold
        : null;
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
        `${inputs.length} slice(s) in ${seconds.toFixed(1)} s on ${backend.name}; L=${settings.noiseLevel} k=${settings.stride} s=${settings.guidanceScale} ${settings.encoding}; outputs in ${o.out}\n`,
      );
    });
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
  inputs: { path: string; pixels: Float32Array; transform: SliceTransform }[],
  results: SliceResult[],
  size: number,
  imageScoreThreshold: number | null,
) {
  await mkdir(out, { recursive: true });
  const maxMap = Math.max(...results.map((r) => Math.max(...r.anomalyMap)), 1e-6);
  const report = [];
  for (const [i, input] of inputs.entries()) {
    const stem = basename(input.path, extname(input.path));
    const result = results[i];
    await writeGray16(join(out, `${stem}.reconstruction.png`), result.reconstruction, size, -1, 1);
    await writeGray16(join(out, `${stem}.map.png`), result.anomalyMap, size, 0, maxMap);
    await writeGrid(
      join(out, `${stem}.png`),
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
      // The image score against the image operating point, never against the pixel cut-off.
      aboveThreshold: aboveThreshold(result.score, imageScoreThreshold),
      transform: input.transform,
    });
  }
  return { report, mapScale: { low: 0, high: maxMap } };
}

/** Whether a reconstruction ran with the preset's own settings (those its thresholds hold for). */
function isPresetSettings(preset: Preset, settings: ReconstructionSettings): boolean {
  const own = settingsFor(preset);
  return (Object.keys(own) as (keyof ReconstructionSettings)[]).every(
    (key) => own[key] === settings[key],
  );
}
