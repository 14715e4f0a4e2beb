/**
 * An evaluation starts one guidance per variant (on wasm, one guidance process and one loaded
 * classifier), shared by its reconstructions of the evaluated split, of the calibration images
 * and, for the stitch method, of the first stage's cut-off, instead of one per reconstruct call.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend.ts';
import { evaluate } from '../../../src-main/engine/evaluate.ts';
import * as pipeline from '../../../src-main/engine/pipeline.ts';
import { writeSyntheticBrainDataset } from '../../fixtures/syntheticBrainDataset.ts';
import { writeTinyModels } from '../../fixtures/tinyModels.ts';

const root = await mkdtemp(join(tmpdir(), 'anomap-evaluate-guidance-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describe('evaluate', () => {
  it('starts one guidance per variant and stops each, whatever the map method', async () => {
    await initBackend();
    await writeTinyModels(join(root, 'models'));
    const models = await pipeline.loadModels(join(root, 'models'));
    const dataset = await writeSyntheticBrainDataset(join(root, 'data'));
    const original = pipeline.startGuidance;
    let stopped = 0;
    const started = vi.spyOn(pipeline, 'startGuidance').mockImplementation(async (...args) => {
      const guidance = await original(...args);
      return { ...guidance, stop: () => (stopped++, guidance.stop()) };
    });
    try {
      await evaluate(models, {
        manifestPath: dataset.manifestPath,
        split: 'test',
        calibrationSplit: 'val',
        unguided: true,
        classifierTimesteps: [],
        overrides: { mapMethod: 'stitch', encoding: 'noise', noiseDraws: 2 },
      });
      // Guided and unguided: two, where each reconstruct call used to start its own (six here).
      expect(started).toHaveBeenCalledTimes(2);
      expect(stopped).toBe(2);
    } finally {
      started.mockRestore();
      pipeline.disposeModels(models);
    }
  });
});
