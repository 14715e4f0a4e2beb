import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { calibratedPreset, calibratePreset, initBackend, loadModels } from '../../engine/index.ts';
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
    .action(async (o) => {
      const backend = await initBackend();
      process.stderr.write(`backend: ${backend.name}\n`);
      const models = await loadModels(o.models);
      const controller = cancelOnInterrupt();
      const calibration = await calibratePreset(models, o.manifest, o.split, {
        signal: controller.signal,
        onProgress: progressBar(),
      });
      process.stdout.write(`${JSON.stringify(calibration, null, 2)}\n`);
      if (o.writePreset) {
        const path = join(o.models, 'preset.json');
        const preset = calibratedPreset(models.preset, calibration);
        await writeFile(path, JSON.stringify(preset, null, 2) + '\n');
        process.stdout.write(`wrote ${path}\n`);
      }
    });
}
