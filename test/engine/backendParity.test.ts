/**
 * The engine on the native 'tensorflow' backend agrees with wasm: forward passes, gradients,
 * DDIM steps, a train step and whole reconstructions with their anomaly maps, within stated
 * tolerances (float32 sums in another order). Every kernel the engine runs must exist on
 * tensorflow, and the kernels that TensorFlow 2.21's C library gets wrong must be fixed or unused.
 *
 * The native backend is optional (npm run setup:tensorflow). CI sets ANOMAP_REQUIRE_TENSORFLOW=1
 * after running that setup, so there these tests fail, never skip, when it does not load.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/engine/backend.ts';
import { encodeStep, guidedDecodeStep } from '../../src-main/engine/diffusion/ddim.ts';
import { linearSchedule } from '../../src-main/engine/diffusion/schedule.ts';
import { createModelParams, type Model } from '../../src-main/engine/models.ts';
import { patchNativeKernels } from '../../src-main/engine/nativeBackend.ts';
import { classifierLogits, noiseModel, type UNetConfig } from '../../src-main/engine/nn/unet.ts';
import { disposeModels, loadModels, reconstruct } from '../../src-main/engine/pipeline.ts';
import { healthyGradient, noisePredictor } from '../../src-main/engine/predictors.ts';
import { gaussian, mulberry32 } from '../../src-main/engine/random.ts';
import { Adam } from '../../src-main/engine/train/adam.ts';
import { computeGradients, type NoisedBatch } from '../../src-main/engine/train/objectives.ts';
import { tinyConfig, tinyModel, writeTinyModels } from '../fixtures/tinyModels.ts';

const required = process.env.ANOMAP_REQUIRE_TENSORFLOW === '1';
await initBackend({ prefer: 'wasm' });
const { native, nativeWhy } = await loadNative();
/** The backend compared with wasm: tensorflow where it loads, else the pure-JavaScript cpu. */
const other: 'tensorflow' | 'cpu' = native || required ? 'tensorflow' : 'cpu';

async function loadNative(): Promise<{ native: boolean; nativeWhy: string }> {
  try {
    await import('@tensorflow/tfjs-node' as string);
    const started = await tf.setBackend('tensorflow');
    if (started) patchNativeKernels();
    await tf.setBackend('wasm');
    return { native: started, nativeWhy: started ? '' : 'its backend did not start' };
  } catch (error) {
    return {
      native: false,
      nativeWhy: error instanceof Error ? error.message.split('\n')[0] : String(error),
    };
  }
}

/** The shipped models' architecture. */
const shippedConfig: UNetConfig = {
  imageSize: 64,
  channels: [32, 64, 128],
  attention: [false, false, true],
  resBlocks: 1,
};

function randomArray(seed: number, length: number, scale = 1): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length }, () => gaussian(random) * scale);
}

/** Runs f on a backend and returns plain arrays, so the two runs share no tensors. */
async function on<T>(backend: 'tensorflow' | 'wasm' | 'cpu', f: () => T | Promise<T>): Promise<T> {
  expect(await tf.setBackend(backend)).toBe(true);
  try {
    return await f();
  } finally {
    await tf.setBackend('wasm');
  }
}

/** max |a - b| relative to max |b|: one number for a whole output. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / Math.max(scale, 1e-12);
}

function withModel<T>(kind: Model['kind'], config: UNetConfig, f: (m: Model) => T): T {
  const model = tinyModel(kind, 7, config);
  try {
    return f(model);
  } finally {
    model.params.dispose();
  }
}

function batchOf(config: UNetConfig, n: number, seed: number) {
  const s = config.imageSize;
  return {
    x: randomArray(seed, n * s * s),
    shape: [n, s, s, 1] as [number, number, number, number],
    t: Array.from({ length: n }, (_, i) => [3, 250, 700, 999][i % 4]),
  };
}

describe(`the ${other} backend agrees with wasm`, () => {
  it('UNet forward at the shipped architecture: relative error < 1e-4', async () => {
    const { x, shape, t } = batchOf(shippedConfig, 2, 1);
    const forward = () =>
      withModel('diffusion', shippedConfig, (m) =>
        tf.tidy(() =>
          noiseModel(m.params, m.config, tf.tensor4d(x, shape), tf.tensor1d(t)).dataSync(),
        ),
      );
    const native = await on(other, forward);
    const wasm = await on('wasm', forward);
    expect(relativeError(native, wasm)).toBeLessThan(1e-4);
  });

  it('classifier logits at the shipped architecture: relative error < 1e-4', async () => {
    const { x, shape, t } = batchOf(shippedConfig, 4, 2);
    const forward = () =>
      withModel('classifier', shippedConfig, (m) =>
        tf.tidy(() =>
          classifierLogits(m.params, m.config, tf.tensor4d(x, shape), tf.tensor1d(t)).dataSync(),
        ),
      );
    expect(relativeError(await on(other, forward), await on('wasm', forward))).toBeLessThan(1e-4);
  });

  it('guidance gradient grad_x log p(healthy | x_t, t): relative error < 1e-3', async () => {
    const { x, shape } = batchOf(tinyConfig, 2, 3);
    const gradient = () =>
      withModel('classifier', tinyConfig, (m) =>
        tf.tidy(() => healthyGradient(m)(tf.tensor4d(x, shape), 120).dataSync()),
      );
    expect(relativeError(await on(other, gradient), await on('wasm', gradient))).toBeLessThan(1e-3);
  });

  it('a DDIM inversion step and a guided decoding step: relative error < 1e-4', async () => {
    const schedule = linearSchedule();
    const { x, shape } = batchOf(tinyConfig, 2, 4);
    const steps = () => {
      const diffusion = tinyModel('diffusion', 5);
      const classifier = tinyModel('classifier', 6);
      try {
        return tf.tidy(() => {
          const x0 = tf.clipByValue(tf.tensor4d(x, shape), -1, 1);
          const encoded = encodeStep(schedule, noisePredictor(diffusion), x0, 100, 150);
          const eps = noisePredictor(diffusion)(encoded, 150);
          const g = healthyGradient(classifier)(encoded, 150);
          const decoded = guidedDecodeStep(schedule, encoded, eps, g, 30, 150, 100);
          return [...encoded.dataSync(), ...decoded.dataSync()];
        });
      } finally {
        diffusion.params.dispose();
        classifier.params.dispose();
      }
    };
    expect(relativeError(await on(other, steps), await on('wasm', steps))).toBeLessThan(1e-4);
  });

  it.each(['diffusion', 'classifier'] as const)(
    'one %s train step: the loss, every weight gradient and the Adam update agree',
    async (objective) => {
      const n = 4;
      const s = tinyConfig.imageSize;
      const batch: NoisedBatch = {
        size: s,
        noisy: randomArray(8, n * s * s),
        timesteps: [0, 10, 400, 999],
        noise: objective === 'diffusion' ? randomArray(9, n * s * s) : null,
        labels: objective === 'classifier' ? [0, 1, 1, 0] : null,
      };
      const step = async () => {
        const params = createModelParams(objective, tinyConfig, 11);
        const adam = new Adam(1e-3);
        try {
          const { loss, gradients } = await computeGradients(objective, params, tinyConfig, batch);
          adam.applyArrays(params, gradients);
          const updated = new Map(
            [...params.variables].map(([name, v]) => [name, v.dataSync().slice()]),
          );
          return { loss, gradients, updated };
        } finally {
          params.dispose();
          adam.dispose();
        }
      };
      const native = await on(other, step);
      const wasm = await on('wasm', step);
      expect(Math.abs(native.loss - wasm.loss) / wasm.loss).toBeLessThan(1e-5);
      expect(native.gradients.size).toBe(wasm.gradients.size);
      for (const [name, g] of wasm.gradients) {
        // Gradients that are zero in exact arithmetic (e.g. a bias before GroupNorm) are pure
        // round-off; compare them on the scale of the whole step instead of their own.
        const ownScale = Math.max(...g.map(Math.abs));
        if (ownScale < 1e-6) continue;
        expect(relativeError(native.gradients.get(name)!, g), name).toBeLessThan(2e-3);
      }
      // Adam's first step moves each weight by lr * g / |g|: the signs of the two updates must
      // agree wherever the gradient is clearly away from zero.
      for (const [name, g] of wasm.gradients) {
        const ownScale = Math.max(...g.map(Math.abs));
        if (ownScale < 1e-6) continue;
        const before = createModelParams(objective, tinyConfig, 11);
        const initial = before.variables.get(name)!.dataSync().slice();
        before.dispose();
        const a = native.updated.get(name)!;
        const b = wasm.updated.get(name)!;
        let disagreements = 0;
        for (let i = 0; i < g.length; i++)
          if (
            Math.abs(g[i]) > 1e-3 * ownScale &&
            Math.sign(a[i] - initial[i]) !== Math.sign(b[i] - initial[i])
          )
            disagreements++;
        expect(disagreements, name).toBe(0);
      }
    },
  );

  it('a whole guided reconstruction (stochastic encoding) and its anomaly map agree', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'anomap-parity-'));
    try {
      await writeTinyModels(dir, { preset: { encoding: 'noise', noiseLevel: 40, stride: 20 } });
      const size = tinyConfig.imageSize;
      const slices = [0, 1].map((i) => ({
        size,
        pixels: Float32Array.from(randomArray(20 + i, size * size), (v) => Math.tanh(v)),
      }));
      const run = async () => {
        const models = await loadModels(dir);
        try {
          const { results } = await reconstruct(models, slices, { parallel: false });
          return results.map((r) => ({
            reconstruction: r.reconstruction,
            map: r.sliceMap,
            score: r.score,
          }));
        } finally {
          disposeModels(models);
        }
      };
      const native = await on(other, run);
      const wasm = await on('wasm', run);
      for (let i = 0; i < wasm.length; i++) {
        expect(relativeError(native[i].reconstruction, wasm[i].reconstruction)).toBeLessThan(1e-4);
        expect(relativeError(native[i].map, wasm[i].map)).toBeLessThan(1e-3);
        expect(Math.abs(native[i].score - wasm[i].score)).toBeLessThan(1e-4);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(native || required)('the tensorflow backend itself', () => {
  it('loads (CI requires it: ANOMAP_REQUIRE_TENSORFLOW=1)', () => {
    expect(native, `tfjs-node did not load: ${nativeWhy}`).toBe(true);
  });

  it('every kernel the engine runs is registered on tensorflow', async () => {
    const kernels = await on('wasm', async () => {
      const profile = await tf.profile(async () => {
        const diffusion = tinyModel('diffusion', 1);
        const classifier = tinyModel('classifier', 2);
        try {
          const { x, shape } = batchOf(tinyConfig, 2, 30);
          tf.tidy(() => {
            const xt = tf.tensor4d(x, shape);
            noisePredictor(diffusion)(xt, 10);
            healthyGradient(classifier)(xt, 10);
          });
          for (const objective of ['diffusion', 'classifier'] as const) {
            const batch: NoisedBatch = {
              size: tinyConfig.imageSize,
              noisy: x,
              timesteps: [1, 2],
              noise: objective === 'diffusion' ? x : null,
              labels: objective === 'classifier' ? [0, 1] : null,
            };
            const params = objective === 'diffusion' ? diffusion.params : classifier.params;
            const { gradients } = await computeGradients(objective, params, tinyConfig, batch);
            const adam = new Adam(1e-3);
            adam.applyArrays(params, gradients);
            adam.dispose();
          }
        } finally {
          diffusion.params.dispose();
          classifier.params.dispose();
        }
      });
      return [...new Set(profile.kernelNames)];
    });
    expect(kernels.length).toBeGreaterThan(20);
    // profile() also lists tidy scopes ('forward', 'logSoftmax__op'): keep real kernels only.
    const real = kernels.filter((name) => tf.getKernel(name, 'wasm') ?? tf.getKernel(name, 'cpu'));
    expect(real).toContain('Conv2DBackpropFilter');
    const missing = real.filter((name) => tf.getKernel(name, 'tensorflow') == null);
    expect(missing).toEqual([]);
  });

  it('Round on int32, which TensorFlow 2.21 computes as zeros, is the identity after the fix', async () => {
    const rounded = await on('tensorflow', () =>
      tf.tidy(() => Array.from(tf.round(tf.tensor1d([1, -2, 3], 'int32')).dataSync())),
    );
    expect(rounded).toEqual([1, -2, 3]);
    const floats = await on('tensorflow', () =>
      tf.tidy(() => Array.from(tf.round(tf.tensor1d([1.4, -2.6, 2.5])).dataSync())),
    );
    expect(floats).toEqual([1, -3, 2]);
  });

  it('leaks no tensors on either backend', async () => {
    const { x, shape, t } = batchOf(tinyConfig, 2, 40);
    for (const backend of [other, 'wasm'] as const) {
      await on(backend, () => {
        const forward = () =>
          withModel('diffusion', tinyConfig, (m) =>
            tf.tidy(() => {
              noiseModel(m.params, m.config, tf.tensor4d(x, shape), tf.tensor1d(t));
            }),
          );
        forward(); // a backend may keep constants it made on first use
        const before = tf.memory().numTensors;
        withModel('diffusion', tinyConfig, (m) =>
          tf.tidy(() => {
            noiseModel(m.params, m.config, tf.tensor4d(x, shape), tf.tensor1d(t));
          }),
        );
        expect(tf.memory().numTensors, backend).toBe(before);
      });
    }
  });
});
