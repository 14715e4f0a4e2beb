import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  calibratedPreset,
  calibrateHealthyResidual,
  calibratePreset,
  HEALTHY_RESIDUAL_FILE,
  initBackend,
  loadModels,
  writeHealthyResidual,
} from '../../engine/index.ts';
import { integer, parseImageCalibration } from '../options.ts';
import { defaultModelsDir } from '../paths.ts';
import { cancelOnInterrupt, progressBar } from '../progressBar.ts';

/**
 * Calibrates the preset's pixel cut-off and image operating point on healthy images (never the
 * test split) with the preset's own settings, and with --write-preset writes them into it.
 */
export function registerCalibrateCommand(program: Command): void {
  program
    .command('calibrate')
    .description("calibrate the preset's pixel cut-off and image operating point on healthy images")
    .requiredOption('--manifest <csv>', 'dataset manifest (brain-mid manifest.csv format)')
    .option('--split <name>', 'split whose healthy images calibrate (never test)', 'val')
    .option('--models <dir>', 'models folder', defaultModelsDir())
    .option('--write-preset', 'write both thresholds into MODELS/preset.json')
    .option(
      '--image-calibration <set>',
      "holdout: the image operating point also on the classifier's held-out healthy cases (classifier image score only); none: the split only",
      parseImageCalibration,
      'holdout',
    )
    .option(
      '--healthy-residual',
      "instead: write MODELS/healthy-residual.json, the per-pixel mean and spread of the preset's raw maps on healthy train images (for --map-normalisation)",
    )
    .option(
      '--healthy-source <name>',
      'healthy residual: train images of this source, or all',
      'fastMRI',
    )
    .option('--limit <n>', 'healthy residual: at most this many images', integer)
    .action(async (o) => {
      const backend = await initBackend();
      process.stderr.write(`backend: ${backend.name}\n`);
      const models = await loadModels(o.models);
      const controller = cancelOnInterrupt();
      if (o.healthyResidual) {
        const residual = await calibrateHealthyResidual(
          models,
          { manifestPath: o.manifest, source: o.healthySource, limit: o.limit },
          { signal: controller.signal, onProgress: progressBar() },
        );
        const path = join(o.models, HEALTHY_RESIDUAL_FILE);
        await writeHealthyResidual(path, residual);
        process.stdout.write(
          `wrote ${path}: ${residual.source}; settings ${residual.settingsKey}\n`,
        );
        return;
      }
      const calibration = await calibratePreset(
        models,
        o.manifest,
        o.split,
        { signal: controller.signal, onProgress: progressBar() },
        o.imageCalibration,
      );
      process.stdout.write(`${JSON.stringify(calibration, null, 2)}\n`);
      if (o.writePreset) {
        const path = join(o.models, 'preset.json');
        const preset = calibratedPreset(models.preset, calibration);
        await writeFile(path, JSON.stringify(preset, null, 2) + '\n');
        process.stdout.write(`wrote ${path}\n`);
      }
    });
}
