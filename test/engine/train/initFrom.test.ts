/**
 * `train diffusion --init-from MODEL` starts from that model's weights (fine-tuning a model
 * trained elsewhere, e.g. on a GPU): with a learning rate of 0 the trained model is the start.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend.ts';
import { trainClassifier, trainDiffusion } from '../../../src-main/engine/train/index.ts';
import { writeSyntheticBrainDataset } from '../../fixtures/syntheticBrainDataset.ts';
import { groupsFor } from '../../../src-main/engine/nn/unet.ts';
import { tinyConfig, writeTinyModels } from '../../fixtures/tinyModels.ts';

function floats(bytes: Buffer): Float32Array {
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

const root = await mkdtemp(join(tmpdir(), 'anomap-init-from-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describe('train diffusion --init-from', () => {
  it('starts from the given model, and from its own random weights without it', async () => {
    await initBackend();
    const dataset = await writeSyntheticBrainDataset(join(root, 'data'));
    await writeTinyModels(join(root, 'start'), { classifier: false, seed: 9 });
    const run = async (name: string, initFrom?: string) => {
      const summary = await trainDiffusion({
        manifestPath: dataset.manifestPath,
        outDir: join(root, name),
        workDir: join(root, `${name}.work`),
        config: tinyConfig,
        steps: 1,
        batchSize: 2,
        learningRate: 0,
        seed: 3,
        initFrom,
      });
      summary.model.params.dispose();
      return readFile(join(root, name, 'weights.bin'));
    };
    const start = floats(await readFile(join(root, 'start', 'diffusion', 'weights.bin')));
    // The EMA of unchanged weights is those weights up to float32 rounding of d w + (1 - d) w.
    expect(
      maxAbsDiff(floats(await run('fine-tuned', join(root, 'start', 'diffusion'))), start),
    ).toBeLessThan(1e-6);
    expect(maxAbsDiff(floats(await run('from-scratch')), start)).toBeGreaterThan(1e-2);
    const manifest = JSON.parse(await readFile(join(root, 'fine-tuned', 'manifest.json'), 'utf8'));
    expect(manifest.training.initialisedFrom).toBe('diffusion');
    // The groups in effect are recorded though none were asked for.
    expect(tinyConfig.groups).toBeUndefined();
    expect(manifest.architecture.groups).toBe(groupsFor(tinyConfig));
  });

  it('refuses a model whose architecture differs, groups included for a classifier, and says what differs', async () => {
    const dataset = await writeSyntheticBrainDataset(join(root, 'data-refused'));
    const other = groupsFor(tinyConfig) === 8 ? 4 : 8;
    const common = {
      manifestPath: dataset.manifestPath,
      outDir: join(root, 'refused'),
      workDir: join(root, 'refused.work'),
      steps: 1,
      batchSize: 2,
      initFrom: join(root, 'start', 'diffusion'),
    };
    await expect(
      trainClassifier({ ...common, config: { ...tinyConfig, groups: other } }),
    ).rejects.toThrow(
      `its architecture differs from the one asked for (groups: ${groupsFor(tinyConfig)} vs ${other})`,
    );
    const wider = tinyConfig.channels.map((c) => c * 2);
    await expect(
      trainDiffusion({ ...common, config: { ...tinyConfig, channels: wider } }),
    ).rejects.toThrow(`(channels: ${tinyConfig.channels.join(',')} vs ${wider.join(',')})`);
  });

  it('fine-tunes a diffusion model to other GroupNorm groups (same shapes) and records the change', async () => {
    const dataset = await writeSyntheticBrainDataset(join(root, 'data-regrouped'));
    const other = groupsFor(tinyConfig) === 8 ? 4 : 8;
    await trainDiffusion({
      manifestPath: dataset.manifestPath,
      outDir: join(root, 'regrouped'),
      workDir: join(root, 'regrouped.work'),
      config: { ...tinyConfig, groups: other },
      steps: 1,
      batchSize: 2,
      initFrom: join(root, 'start', 'diffusion'),
    });
    const manifest = JSON.parse(await readFile(join(root, 'regrouped', 'manifest.json'), 'utf8'));
    expect(manifest.architecture.groups).toBe(other);
    expect(manifest.training).toMatchObject({
      initialisedFrom: 'diffusion',
      groupsChangedFrom: groupsFor(tinyConfig),
    });
  });
});
