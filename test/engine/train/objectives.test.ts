import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend.ts';
import { linearSchedule } from '../../../src-main/engine/diffusion/schedule.ts';
import { createModelParams } from '../../../src-main/engine/models.ts';
import { gaussian, mulberry32 } from '../../../src-main/engine/random.ts';
import { Adam } from '../../../src-main/engine/train/adam.ts';
import { prepareCases, readDatasetManifest } from '../../../src-main/engine/train/dataset.ts';
import { updateEma } from '../../../src-main/engine/train/ema.ts';
import {
  computeGradients,
  type NoisedBatch,
  type Objective,
} from '../../../src-main/engine/train/objectives.ts';
import { writeSyntheticBrainDataset } from '../../fixtures/syntheticBrainDataset.ts';
import { tinyConfig } from '../../fixtures/tinyModels.ts';

let root: string;
let slices: Float32Array[];

beforeAll(async () => {
  await initBackend();
  root = await mkdtemp(join(tmpdir(), 'anomap-objectives-'));
  const dataset = await writeSyntheticBrainDataset(join(root, 'data'));
  const cases = (await readDatasetManifest(dataset.manifestPath)).filter(
    (c) => c.split === 'train',
  );
  slices = (await prepareCases(cases.slice(0, 2), 32)).map((c) => c.pixels);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** One fixed noised batch of the two slices: x_t = sqrt(ab) x0 + sqrt(1 - ab) eps. */
function fixedBatch(objective: Objective): NoisedBatch {
  const ab = linearSchedule().alphaBar;
  const random = mulberry32(9);
  const timesteps = [30, 250];
  const noise = new Float32Array(2 * 32 * 32);
  const noisy = new Float32Array(2 * 32 * 32);
  slices.forEach((slice, b) =>
    slice.forEach((v, i) => {
      const eps = gaussian(random);
      noise[b * 1024 + i] = eps;
      noisy[b * 1024 + i] = Math.sqrt(ab[timesteps[b]]) * v + Math.sqrt(1 - ab[timesteps[b]]) * eps;
    }),
  );
  return {
    size: 32,
    noisy,
    timesteps,
    noise: objective === 'diffusion' ? noise : null,
    labels: objective === 'classifier' ? [0, 1] : null,
  };
}

async function fit(objective: Objective, steps: number, learningRate: number): Promise<number[]> {
  const params = createModelParams(objective, tinyConfig, 1);
  const adam = new Adam(learningRate);
  const batch = fixedBatch(objective);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const { loss, gradients } = await computeGradients(objective, params, tinyConfig, batch);
    losses.push(loss);
    tf.tidy(() =>
      adam.apply(
        params,
        new Map([...gradients].map(([n, g]) => [n, tf.tensor(g, params.variables.get(n)!.shape)])),
      ),
    );
  }
  params.dispose();
  adam.dispose();
  return losses;
}

describe('the training objectives', () => {
  it('the diffusion loss of a tiny UNet falls on a fixed batch', async () => {
    const losses = await fit('diffusion', 12, 2e-3);
    const last = losses.slice(-3).reduce((a, b) => a + b, 0) / 3;
    expect(last).toBeLessThan(0.6 * losses[0]);
  });

  it('the classifier loss falls on a fixed batch', async () => {
    const losses = await fit('classifier', 12, 2e-3);
    expect(losses[0]).toBeGreaterThan(0.1);
    expect(losses[losses.length - 1]).toBeLessThan(0.5 * losses[0]);
  });
});

describe('Adam', () => {
  it('takes a first step of learningRate * sign(gradient), bias-corrected', async () => {
    const params = createModelParams('classifier', tinyConfig, 2);
    const name = 'head.out.w';
    const before = await params.variables.get(name)!.data();
    const gradient = Float32Array.from(before, (_, i) => (i % 3) - 1 || 0.5);
    const adam = new Adam(0.01);
    tf.tidy(() =>
      adam.apply(params, new Map([[name, tf.tensor(gradient, params.variables.get(name)!.shape)]])),
    );
    const after = await params.variables.get(name)!.data();
    after.forEach((v, i) => expect(v).toBeCloseTo(before[i] - 0.01 * Math.sign(gradient[i]), 6));
    expect(adam.step).toBe(1);
    params.dispose();
    adam.dispose();
  });
});

describe('updateEma', () => {
  it('moves the average towards the weights with the warmed-up decay', async () => {
    const params = createModelParams('classifier', tinyConfig, 3);
    const ema = createModelParams('classifier', tinyConfig, 4);
    const name = 'head.out.b';
    params.variables.get(name)!.assign(tf.tensor1d([1, 2]));
    ema.variables.get(name)!.assign(tf.tensor1d([0, 0]));
    // At step 0 the decay is min(0.999, 1 / 10) = 0.1.
    updateEma(ema, params, 0, 0.999);
    const values = await ema.variables.get(name)!.data();
    expect(values[0]).toBeCloseTo(0.9, 6);
    expect(values[1]).toBeCloseTo(1.8, 6);
    params.dispose();
    ema.dispose();
  });
});
