import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend.ts';
import { createModelParams, readWeights } from '../../../src-main/engine/models.ts';
import {
  classifierLogits,
  groupsFor,
  noiseModel,
  validateUNetConfig,
  type UNetConfig,
} from '../../../src-main/engine/nn/unet.ts';
import { ParamStore } from '../../../src-main/engine/nn/params.ts';
import { gaussian, mulberry32 } from '../../../src-main/engine/random.ts';
import {
  computeGradients,
  type NoisedBatch,
  type Objective,
} from '../../../src-main/engine/train/objectives.ts';
import { tinyConfig } from '../../fixtures/tinyModels.ts';

function batchOf(objective: Objective, n: number, size: number, seed: number): NoisedBatch {
  const random = mulberry32(seed);
  const pixels = n * size * size;
  return {
    size,
    noisy: Float32Array.from({ length: pixels }, () => gaussian(random)),
    timesteps: Array.from({ length: n }, (_, i) => 100 + 250 * i),
    noise:
      objective === 'diffusion'
        ? Float32Array.from({ length: pixels }, () => gaussian(random))
        : null,
    labels: objective === 'classifier' ? Array.from({ length: n }, (_, i) => i % 2) : null,
  };
}

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
});

afterAll(async () => {
  await tf.setBackend('wasm');
});

describe('noiseModel and classifierLogits', () => {
  it('map [B, S, S, 1] to a noise estimate of the same shape and to [B, 2] logits', () => {
    const p = new ParamStore(1);
    const q = new ParamStore(2);
    const x = tf.randomNormal([3, 32, 32, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const t = tf.tensor1d([0, 10, 999]);
    expect(noiseModel(p, tinyConfig, x, t).shape).toEqual([3, 32, 32, 1]);
    expect(classifierLogits(q, tinyConfig, x, t).shape).toEqual([3, 2]);
    const three: UNetConfig = {
      imageSize: 32,
      channels: [8, 8, 16],
      attention: [false, false, true],
      resBlocks: 2,
    };
    expect(noiseModel(new ParamStore(3), three, x, t).shape).toEqual([3, 32, 32, 1]);
  });

  it('depend on the timestep', async () => {
    const p = createModelParams('diffusion', tinyConfig, 4);
    const x = tf.randomNormal([1, 32, 32, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
    const a = await noiseModel(p, tinyConfig, x, tf.tensor1d([10])).data();
    const b = await noiseModel(p, tinyConfig, x, tf.tensor1d([700])).data();
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeGreaterThan(1e-3);
  });

  it('share the encoder weights: the classifier is the UNet encoder plus a head', () => {
    const unet = createModelParams('diffusion', tinyConfig, 1);
    const classifier = createModelParams('classifier', tinyConfig, 1);
    const encoderNames = [...classifier.variables.keys()].filter((n) => !n.startsWith('head.'));
    for (const name of encoderNames)
      expect(unet.variables.get(name)?.shape, name).toEqual(classifier.variables.get(name)!.shape);
    expect([...classifier.variables.keys()].some((n) => n.startsWith('head.'))).toBe(true);
    expect(classifier.count()).toBeLessThan(unet.count());
  });

  it('are created identically from the same seed', async () => {
    const a = await readWeights(createModelParams('diffusion', tinyConfig, 9));
    const b = await readWeights(createModelParams('diffusion', tinyConfig, 9));
    const c = await readWeights(createModelParams('diffusion', tinyConfig, 10));
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [name, { values }] of a)
      expect(Array.from(values)).toEqual(Array.from(b.get(name)!.values));
    expect(Array.from(a.get('stem.w')!.values)).not.toEqual(Array.from(c.get('stem.w')!.values));
  });
});

describe('validateUNetConfig', () => {
  it('rejects impossible architectures with a clear reason', () => {
    const ok = tinyConfig;
    expect(() => validateUNetConfig(ok)).not.toThrow();
    expect(() => validateUNetConfig({ ...ok, imageSize: 48 })).toThrow(
      /image size 48 is not 32, 64, 128 or 256/,
    );
    expect(() => validateUNetConfig({ ...ok, attention: [true] })).toThrow(/one entry per level/);
    expect(() => validateUNetConfig({ ...ok, resBlocks: 0 })).toThrow(/resBlocks/);
    expect(() => validateUNetConfig({ ...ok, channels: [8, 12] })).toThrow(
      /channels 12 not divisible by 8 groups/,
    );
    expect(() => validateUNetConfig({ ...ok, groups: 0 })).toThrow(/groups must be a positive/);
    expect(() => validateUNetConfig({ ...ok, channels: [8, 16], groups: 16 })).toThrow(
      /channels 8 not divisible by 16 groups/,
    );
    expect(() =>
      validateUNetConfig({
        imageSize: 32,
        channels: Array(7).fill(8),
        attention: Array(7).fill(false),
        resBlocks: 1,
      }),
    ).toThrow(/too many levels/);
  });

  it('uses 32 groups where every level allows it, else 8', () => {
    expect(groupsFor({ ...tinyConfig, channels: [64, 128] })).toBe(32);
    expect(groupsFor({ ...tinyConfig, channels: [64, 16] })).toBe(8);
    expect(groupsFor({ ...tinyConfig, channels: [64, 128], groups: 8 })).toBe(8);
  });
});

describe('GroupNorm groups and the time embedding', () => {
  // One level of 32 channels: every residual block adds the time embedding as a per-channel
  // bias and then normalises. With 32 groups each channel is normalised alone, its spatial
  // mean (bias included) subtracted: the network cannot see t at all. With 8 groups it can.
  const oneLevel: UNetConfig = {
    imageSize: 32,
    channels: [32],
    attention: [false],
    resBlocks: 1,
  };

  function spreadOverT(config: UNetConfig): { spread: number; size: number } {
    const p = createModelParams('diffusion', config, 5);
    try {
      return tf.tidy(() => {
        const x = tf.randomNormal([1, 32, 32, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
        const early = noiseModel(p, config, x, tf.tensor1d([10]));
        const late = noiseModel(p, config, x, tf.tensor1d([900]));
        return {
          spread: tf.max(tf.abs(tf.sub(early, late))).dataSync()[0],
          size: tf.max(tf.abs(early)).dataSync()[0],
        };
      });
    } finally {
      p.dispose();
    }
  }

  it('32 groups on a 32-channel level hide t; 8 groups keep it', () => {
    const before = tf.memory().numTensors;
    const legacy = spreadOverT(oneLevel);
    expect(groupsFor(oneLevel)).toBe(32);
    expect(legacy.size).toBeGreaterThan(0.1);
    expect(legacy.spread).toBeLessThan(1e-5 * legacy.size);
    const eight = spreadOverT({ ...oneLevel, groups: 8 });
    expect(eight.spread).toBeGreaterThan(1e-2 * eight.size);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('whole-model gradients', () => {
  /** Loss and gradients of one batch on the current backend, from the given weights. */
  async function gradientsOn(
    backend: 'wasm' | 'cpu',
    objective: Objective,
    weights: Awaited<ReturnType<typeof readWeights>>,
    batch: NoisedBatch,
  ) {
    await tf.setBackend(backend);
    const params = createModelParams(objective, tinyConfig, 0);
    for (const [name, { values, shape }] of weights)
      params.variables.get(name)!.assign(tf.tensor(values, shape));
    const result = await computeGradients(objective, params, tinyConfig, batch);
    params.dispose();
    return result;
  }

  // A check independent of the backend: the blocks run in nested tidy scopes, and the gradient
  // tape must still keep what the backward pass needs.
  for (const objective of ['diffusion', 'classifier'] as const)
    it(`match central finite differences of the loss (${objective})`, async () => {
      await tf.setBackend('wasm');
      const source = createModelParams(objective, tinyConfig, 7);
      const weights = await readWeights(source);
      source.dispose();
      const batch = batchOf(objective, 2, 32, 8);
      const { gradients } = await gradientsOn('wasm', objective, weights, batch);
      const lossAt = async (name: string, index: number, delta: number) => {
        const values = Float32Array.from(weights.get(name)!.values);
        values[index] += delta;
        const moved = new Map(weights).set(name, { ...weights.get(name)!, values });
        return (await gradientsOn('wasm', objective, moved, batch)).loss;
      };
      // The largest gradient entry of three weights: a convolution at the top level, one in
      // the attention block and the last layer.
      const names = [...gradients.keys()].filter((n) =>
        /^(down0\.res0\.conv1\.w|down1\.att0\.qkv\.w|out\.w|head\.out\.w)$/.test(n),
      );
      expect(names.length).toBe(3);
      for (const name of names) {
        const g = gradients.get(name)!;
        const index = g.reduce((best, v, i) => (Math.abs(v) > Math.abs(g[best]) ? i : best), 0);
        const h = 1e-2;
        const numeric =
          ((await lossAt(name, index, h)) - (await lossAt(name, index, -h))) / (2 * h);
        expect(Math.abs(numeric - g[index]), name).toBeLessThan(0.03 * Math.abs(g[index]) + 1e-5);
      }
    });

  for (const objective of ['diffusion', 'classifier'] as const)
    it(`agree between wasm and cpu within 1e-4 relative (${objective})`, async () => {
      await tf.setBackend('wasm');
      const source = createModelParams(objective, tinyConfig, 5);
      const weights = await readWeights(source);
      source.dispose();
      const batch = batchOf(objective, 2, 32, 6);
      const onWasm = await gradientsOn('wasm', objective, weights, batch);
      const onCpu = await gradientsOn('cpu', objective, weights, batch);
      expect(Math.abs(onWasm.loss - onCpu.loss) / Math.abs(onCpu.loss)).toBeLessThan(1e-4);
      expect([...onWasm.gradients.keys()].sort()).toEqual([...weights.keys()].sort());
      // With 8 channels in 8 groups, GroupNorm removes any per-channel constant, so the gradients
      // of the biases and time embeddings that feed one are zero up to rounding: those must be
      // near zero on both backends; every other gradient must agree within 1e-4 of its own size.
      const magnitude = (g: Float32Array) => Math.max(...g.map(Math.abs));
      const modelScale = Math.max(...[...onCpu.gradients.values()].map(magnitude));
      let worst = 0;
      let compared = 0;
      for (const [name, cpu] of onCpu.gradients) {
        const wasm = onWasm.gradients.get(name)!;
        const scale = magnitude(cpu);
        if (scale < 1e-5 * modelScale) {
          expect(magnitude(wasm), name).toBeLessThan(1e-5 * modelScale);
          continue;
        }
        let diff = 0;
        for (let i = 0; i < cpu.length; i++) diff = Math.max(diff, Math.abs(cpu[i] - wasm[i]));
        worst = Math.max(worst, diff / scale);
        compared++;
      }
      expect(compared).toBeGreaterThan(onCpu.gradients.size * 0.8);
      expect(worst).toBeLessThan(1e-4);
    });
});
