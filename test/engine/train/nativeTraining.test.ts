/**
 * On the native backend the second training process is not started: TensorFlow already uses
 * every core, so `--processes 2` (made for single-threaded wasm) must not slow it down. CI
 * requires the native backend (ANOMAP_REQUIRE_TENSORFLOW=1); elsewhere this runs where it loads.
 */
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend.ts';
import { trainDiffusion } from '../../../src-main/engine/train/index.ts';
import { GradientWorker } from '../../../src-main/engine/train/trainer.ts';
import { writeSyntheticBrainDataset } from '../../fixtures/syntheticBrainDataset.ts';
import { tinyConfig } from '../../fixtures/tinyModels.ts';

function nativeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

const root = await mkdtemp(join(tmpdir(), 'anomap-native-train-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describe.runIf(nativeInstalled() || process.env.ANOMAP_REQUIRE_TENSORFLOW === '1')(
  'training on the native backend',
  () => {
    it('trains with --processes 2 in one process, without a gradient worker', async () => {
      expect((await initBackend({ prefer: 'tensorflow' })).name).toBe('tensorflow');
      const start = vi.spyOn(GradientWorker, 'start');
      const dataset = await writeSyntheticBrainDataset(join(root, 'data'));
      const summary = await trainDiffusion({
        manifestPath: dataset.manifestPath,
        outDir: join(root, 'model'),
        workDir: join(root, 'work'),
        config: tinyConfig,
        steps: 2,
        batchSize: 2,
        checkpointEvery: 1,
        seed: 3,
        processes: 2,
      });
      expect(summary.steps).toBe(2);
      expect(summary.backend).toBe('tensorflow');
      expect(Number.isFinite(summary.finalLoss)).toBe(true);
      expect(start).not.toHaveBeenCalled();
    });
  },
);
