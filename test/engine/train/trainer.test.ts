import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendReport, initBackend } from '../../../src-main/engine/backend.ts';
import { loadModel } from '../../../src-main/engine/models.ts';
import { groupsFor } from '../../../src-main/engine/nn/unet.ts';
import {
  trainClassifier,
  trainDiffusion,
  type TrainCommonOptions,
} from '../../../src-main/engine/train/index.ts';
import { CancelledError, type Progress } from '../../../src-main/engine/types.ts';
import {
  writeSyntheticBrainDataset,
  type SyntheticDataset,
} from '../../fixtures/syntheticBrainDataset.ts';
import { tinyConfig } from '../../fixtures/tinyModels.ts';

let root: string;
let dataset: SyntheticDataset;

beforeAll(async () => {
  await initBackend();
  root = await mkdtemp(join(tmpdir(), 'anomap-train-'));
  dataset = await writeSyntheticBrainDataset(join(root, 'data'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function options(name: string, overrides: Partial<TrainCommonOptions> = {}): TrainCommonOptions {
  return {
    manifestPath: dataset.manifestPath,
    outDir: join(root, name, 'model'),
    workDir: join(root, name, 'work'),
    config: tinyConfig,
    steps: 4,
    batchSize: 2,
    checkpointEvery: 1,
    seed: 3,
    ...overrides,
  };
}

const CHECKPOINT_FILES = ['params.bin', 'ema.bin', 'adam-m.bin', 'adam-v.bin'];

async function checkpointBytes(name: string) {
  const dir = join(root, name, 'work', 'checkpoint');
  return Promise.all(CHECKPOINT_FILES.map((f) => readFile(join(dir, f))));
}

async function stepLosses(name: string): Promise<Map<number, number>> {
  const lines = (await readFile(join(root, name, 'work', 'log.jsonl'), 'utf8')).trim().split('\n');
  return new Map(
    lines.map((l) => JSON.parse(l) as { step: number; loss: number }).map((e) => [e.step, e.loss]),
  );
}

function floatsOf(bytes: Buffer): Float32Array {
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

describe('training the diffusion model', () => {
  it('gives bitwise the same weights after 2 + 2 steps (stopped and resumed) as after 4', async () => {
    const whole = await trainDiffusion(options('whole'));
    expect(whole.steps).toBe(4);
    expect(whole.resumedFrom).toBe(0);
    whole.model.params.dispose();

    const first = await trainDiffusion(options('resumed', { steps: 2 }));
    expect(first.steps).toBe(2);
    first.model.params.dispose();
    const second = await trainDiffusion(options('resumed'));
    expect(second.resumedFrom).toBe(2);
    expect(second.steps).toBe(4);
    second.model.params.dispose();

    const [a, b] = [await checkpointBytes('whole'), await checkpointBytes('resumed')];
    CHECKPOINT_FILES.forEach((file, i) => expect(a[i].equals(b[i]), file).toBe(true));
    const weights = (name: string) => readFile(join(root, name, 'model', 'weights.bin'));
    expect((await weights('whole')).equals(await weights('resumed'))).toBe(true);
    expect(await stepLosses('resumed')).toEqual(await stepLosses('whole'));
    // The summary beside the checkpoint: the mean of the logged losses, equal across the resume.
    const summary = async (name: string) =>
      JSON.parse(await readFile(join(root, name, 'work', 'summary.json'), 'utf8')) as {
        steps: number;
        windows: { toStep: number; meanLoss: number; seconds: number | null }[];
      };
    const logged = [...(await stepLosses('whole')).values()];
    const [wholeSummary, resumedSummary] = [await summary('whole'), await summary('resumed')];
    expect(wholeSummary.steps).toBe(4);
    expect(wholeSummary.windows).toHaveLength(1);
    expect(wholeSummary.windows[0].toStep).toBe(4);
    expect(wholeSummary.windows[0].meanLoss).toBeCloseTo(logged.reduce((a, b) => a + b) / 4, 12);
    expect(wholeSummary.windows[0].seconds).not.toBeNull();
    expect(resumedSummary.windows.map((w) => w.meanLoss)).toEqual(
      wholeSummary.windows.map((w) => w.meanLoss),
    );
    // Training did move the weights away from their start.
    const start = await trainDiffusion(options('zero', { steps: 1 }));
    start.model.params.dispose();
    expect((await weights('zero')).equals(await weights('whole'))).toBe(false);
  });

  it('writes a model whose manifest records the data, steps and settings', async () => {
    const model = await loadModel(join(root, 'whole', 'model'), 'diffusion');
    // The groups in effect are recorded though tinyConfig does not name them.
    expect(model.config).toEqual({ ...tinyConfig, groups: groupsFor(tinyConfig) });
    expect(model.manifest.preprocessing.imageSize).toBe(32);
    expect(model.manifest.training).toMatchObject({
      manifest: 'manifest.csv',
      split: 'train',
      images: 12,
      fastMRI: 6,
      IXI: 6,
      steps: 4,
      batchSize: 2,
      seed: 3,
    });
    model.params.dispose();
  });

  it('stops with CancelledError when aborted, keeps a checkpoint, writes no model, and resumes exactly', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const controller = new AbortController();
    const seen: Progress[] = [];
    const opts = options('cancelled', { checkpointEvery: 100 });
    const run = trainDiffusion(opts, {
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.done === 2) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(seen.map((p) => p.done)).toEqual([1, 2]);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(seen[0].metrics?.loss).toBeGreaterThan(0);
    expect(existsSync(join(opts.outDir, 'manifest.json'))).toBe(false);
    expect(existsSync(join(opts.outDir, 'weights.bin'))).toBe(false);
    const state = JSON.parse(
      await readFile(join(opts.workDir, 'checkpoint', 'state.json'), 'utf8'),
    );
    expect(state.step).toBe(2);

    const resumed = await trainDiffusion(opts);
    expect(resumed.resumedFrom).toBe(2);
    resumed.model.params.dispose();
    const weights = (name: string) => readFile(join(root, name, 'model', 'weights.bin'));
    expect((await weights('cancelled')).equals(await weights('whole'))).toBe(true);
  });

  it('refuses to resume a checkpoint made with other options, keeping no weights', async () => {
    const tensorsBefore = tf.memory().numTensors;
    await expect(trainDiffusion(options('resumed', { learningRate: 1e-3 }))).rejects.toThrow(
      /work: its checkpoint was made with other training options; use a new folder/,
    );
    await expect(trainDiffusion(options('resumed', { seed: 4 }))).rejects.toThrow(
      /other training options/,
    );
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('gets the same loss and gradients with 2 processes as with 1 (batch split 2 + 1)', async () => {
    const one = await trainDiffusion(
      options('one-process', { steps: 1, batchSize: 3, processes: 1 }),
    );
    const two = await trainDiffusion(
      options('two-processes', { steps: 1, batchSize: 3, processes: 2 }),
    );
    one.model.params.dispose();
    two.model.params.dispose();
    expect(Math.abs(two.finalLoss - one.finalLoss) / one.finalLoss).toBeLessThan(1e-5);
    // After one Adam step the first moment is 0.1 x the gradient of the whole batch.
    const [m1, m2] = [
      (await checkpointBytes('one-process'))[2],
      (await checkpointBytes('two-processes'))[2],
    ];
    const [g1, g2] = [floatsOf(m1), floatsOf(m2)];
    const scale = Math.max(...g1.map(Math.abs));
    let worst = 0;
    for (let i = 0; i < g1.length; i++) worst = Math.max(worst, Math.abs(g1[i] - g2[i]));
    expect(scale).toBeGreaterThan(0);
    expect(worst / scale).toBeLessThan(1e-5);
    if (backendReport()?.name === 'tensorflow') {
      // The native library uses every core itself: --processes 2 runs in one process there.
      expect(m1.equals(m2)).toBe(true);
    } else {
      // The halves really were computed apart (rounding differs), and agree.
      expect(m1.equals(m2)).toBe(false);
    }
  });
});

describe('training the classifier', () => {
  it('trains on train + classifier_train without reading a single test image', async () => {
    // Replace every test image with garbage: reading one would fail the run.
    const copy = await writeSyntheticBrainDataset(join(root, 'data-no-test'));
    for (const c of copy.cases.filter((c) => c.split === 'test'))
      await writeFile(join(copy.dir, c.image), 'not an image');
    const summary = await trainClassifier({
      ...options('classifier', { steps: 2, manifestPath: copy.manifestPath }),
      sampling: { ixiShare: 0.3, syntheticShare: 0.5 },
    });
    expect(summary.steps).toBe(2);
    expect(Number.isFinite(summary.finalLoss)).toBe(true);
    // Every fifth fastMRI case of each class is held out for validation.
    expect(summary.holdout.healthy.length).toBe(1);
    expect(summary.holdout.pathological.length).toBe(1);
    expect(summary.holdout.pathological.every((c) => c.case.split === 'classifier_train')).toBe(
      true,
    );
    summary.model.params.dispose();
    const model = await loadModel(join(root, 'classifier', 'model'), 'classifier');
    expect(model.manifest.training).toMatchObject({ testImagesUsed: 0, heldOut: 2 });
    model.params.dispose();
  });

  it("starts from the diffusion model's encoder with initFrom", async () => {
    const summary = await trainClassifier({
      ...options('classifier-init', { steps: 0 }),
      initFrom: join(root, 'whole', 'model'),
    });
    const diffusion = await loadModel(join(root, 'whole', 'model'), 'diffusion');
    const classifier = summary.model.params;
    let shared = 0;
    for (const [name, variable] of classifier.variables) {
      const source = diffusion.params.variables.get(name);
      if (!source) {
        expect(name.startsWith('head.'), name).toBe(true);
        continue;
      }
      shared++;
      expect(Array.from(await variable.data()), name).toEqual(Array.from(await source.data()));
    }
    expect(shared).toBeGreaterThan(10);
    diffusion.params.dispose();
    classifier.dispose();
  });

  it('says which file is wrong when the manifest has no healthy training images', async () => {
    const path = join(root, 'empty.csv');
    await writeFile(path, 'image,source,split,label\nx.png,IXI,test,normal\n');
    await expect(trainDiffusion(options('empty', { manifestPath: path }))).rejects.toThrow(
      /empty\.csv: no healthy images in the train split/,
    );
  });
});
