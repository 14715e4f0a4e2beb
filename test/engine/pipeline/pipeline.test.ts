import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { reconstructBatch } from '../../../src-main/engine/diffusion/reconstruct.ts';
import { classifierLogits } from '../../../src-main/engine/nn/unet.ts';
import { reconstruct, settingsFor, type LoadedModels } from '../../../src-main/engine/pipeline.ts';
import {
  healthyGradient,
  noisePredictor,
  pathologicalProbability,
} from '../../../src-main/engine/predictors.ts';
import type { Progress, Slice } from '../../../src-main/engine/types.ts';
import { tinyPreset } from '../../fixtures/tinyModels.ts';
import { useTinyPipeline } from './tinyPipeline.ts';

let models: LoadedModels;
let slices: Slice[];
useTinyPipeline('anomap-pipeline-', 0, 3, (tiny) => ({ models, slices } = tiny));

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  return Math.max(...a.map((v, i) => Math.abs(v - b[i])));
}

describe('reconstruct', () => {
  it('leaves the number of tensors unchanged over 20 guided reconstructions', async () => {
    const inProcess = { parallel: false, captureFrames: 2 };
    await reconstruct(models, slices.slice(0, 2), inProcess);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) await reconstruct(models, slices.slice(0, 2), inProcess);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives bitwise the same result with the gradient computed in a second process', async () => {
    const here = await reconstruct(models, slices.slice(0, 2), { parallel: false });
    const before = tf.memory().numTensors;
    const there = await reconstruct(models, slices.slice(0, 2), { parallel: true });
    expect(tf.memory().numTensors).toBe(before);
    there.results.forEach((r, i) =>
      expect(Array.from(r.reconstruction)).toEqual(Array.from(here.results[i].reconstruction)),
    );
  });

  it('with s = 0 equals the unguided reconstruction without a classifier', async () => {
    const zero = await reconstruct(models, slices, { settings: { guidanceScale: 0 } });
    const withoutClassifier = await reconstruct({ ...models, classifier: null }, slices, {
      settings: { guidanceScale: 0 },
    });
    const plain = await reconstructBatch({
      schedule: models.schedule,
      predictNoise: noisePredictor(models.diffusion),
      slices,
      settings: settingsFor(models.preset, { guidanceScale: 0 }),
    });
    zero.results.forEach((r, i) => {
      expect(Array.from(r.reconstruction)).toEqual(
        Array.from(withoutClassifier.results[i].reconstruction),
      );
      expect(Array.from(r.reconstruction)).toEqual(Array.from(plain.reconstructions[i]));
    });
    expect(zero.settings.guidanceScale).toBe(0);
    const guided = await reconstruct(models, slices, {
      settings: { guidanceScale: 50 },
      parallel: false,
    });
    expect(
      maxAbsDiff(guided.results[0].reconstruction, zero.results[0].reconstruction),
    ).toBeGreaterThan(1e-4);
  });

  it('uses the preset unless told otherwise, and returns maps zero outside the brain', async () => {
    const { results, settings } = await reconstruct(models, slices.slice(0, 1), {
      settings: { stride: 5 },
    });
    expect(settings).toEqual({
      noiseLevel: 20,
      stride: 5,
      guidanceScale: 5,
      encoding: 'ddim',
      seed: 0,
    });
    const [r] = results;
    expect(r.sliceMap).toHaveLength(32 * 32);
    expect(r.brainMask.some((v) => v)).toBe(true);
    r.sliceMap.forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual(0);
      if (!r.brainMask[i]) expect(v).toBe(0);
    });
    expect(r.score).toBeGreaterThan(0);
    expect(r.score).toBeLessThanOrEqual(Math.max(...r.sliceMap));
  });

  it('reports progress over all batches, ending at done = total', async () => {
    const seen: Progress[] = [];
    await reconstruct(
      models,
      slices,
      { batchSize: 2, parallel: false },
      { onProgress: (p) => seen.push(p) },
    );
    const last = seen[seen.length - 1];
    expect(last.done).toBe(last.total);
    // 3 slices x (2 encoding + 2 decoding steps).
    expect(last.total).toBe(12);
    for (let i = 1; i < seen.length; i++) expect(seen[i].done).toBeGreaterThan(seen[i - 1].done);
  });

  it('estimates the time left for all batches, not only the current one', async () => {
    const seen: { progress: Progress; elapsed: number }[] = [];
    const started = performance.now();
    await reconstruct(
      models,
      slices,
      { batchSize: 1, parallel: false },
      {
        onProgress: (progress) =>
          seen.push({ progress, elapsed: (performance.now() - started) / 1000 }),
      },
    );
    // 3 batches of 1 slice x 4 steps: after the first batch (done = 4 of 12) two batches are left.
    const endOfFirst = seen.find((s) => s.progress.done === 4)!;
    expect(endOfFirst.progress.total).toBe(12);
    expect(endOfFirst.progress.etaSeconds).toBeGreaterThan(0);
    // The pace so far times the steps left: 8 steps at elapsed / 4 each (within timer slack).
    const paced = (endOfFirst.elapsed / 4) * 8;
    expect(endOfFirst.progress.etaSeconds!).toBeGreaterThan(paced * 0.5);
    expect(endOfFirst.progress.etaSeconds!).toBeLessThan(paced * 1.5 + 0.01);
    for (const { progress } of seen.slice(0, -1)) expect(progress.etaSeconds).toBeGreaterThan(0);
    expect(seen.at(-1)!.progress.etaSeconds).toBe(0);
  });

  it('refuses slices of another size than the models', async () => {
    await expect(
      reconstruct(models, [{ size: 64, pixels: new Float32Array(64 * 64) }]),
    ).rejects.toThrow(/slice is 64 px but the models expect 32 px/);
  });
});

describe('the classifier guidance', () => {
  it('is the gradient of log p(healthy | x_t, t), checked by finite differences', async () => {
    const classifier = models.classifier!;
    const x = tf.tensor4d(slices[0].pixels, [1, 32, 32, 1]);
    const t = 10;
    const gradient = await healthyGradient(classifier)(x, t).data();
    const logHealthy = (input: Float32Array) =>
      tf.tidy(() => {
        const logits = classifierLogits(
          classifier.params,
          classifier.config,
          tf.tensor4d(input, [1, 32, 32, 1]),
          tf.tensor1d([t]),
        );
        return tf.logSoftmax(logits).dataSync()[0];
      });
    const order = [...gradient.keys()].sort(
      (a, b) => Math.abs(gradient[b]) - Math.abs(gradient[a]),
    );
    for (const i of order.slice(0, 3)) {
      const h = 0.05;
      const plus = Float32Array.from(slices[0].pixels);
      const minus = Float32Array.from(slices[0].pixels);
      plus[i] += h;
      minus[i] -= h;
      const numeric = (logHealthy(plus) - logHealthy(minus)) / (2 * h);
      expect(Math.abs(numeric - gradient[i])).toBeLessThan(0.05 * Math.abs(gradient[i]) + 1e-4);
    }
  });

  it('takes the gradient in chunks (wasm: two slices a pass) with the values of one pass', async () => {
    const classifier = models.classifier!;
    const n = 5; // an odd count: the last chunk is short
    const pixels = Array.from({ length: n }, (_, i) =>
      slices[i % slices.length].pixels.map((v, j) => v * (1 - 0.1 * i) + 0.01 * ((j * 7) % 13)),
    );
    const x = tf.tensor4d(Float32Array.from(pixels.flatMap((p) => [...p])), [n, 32, 32, 1]);
    const before = tf.memory().numTensors;
    const whole = healthyGradient(classifier, n)(x, 40);
    const chunked = healthyGradient(classifier, 2)(x, 40);
    expect(chunked.shape).toEqual([n, 32, 32, 1]);
    const [a, b] = [await whole.data(), await chunked.data()];
    const scale = Math.max(...a.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    expect(maxAbsDiff(a as Float32Array, b as Float32Array) / scale).toBeLessThan(1e-5);
    whole.dispose();
    chunked.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('gives each slice of a batch the gradient it has alone', async () => {
    const guidance = healthyGradient(models.classifier!);
    const pair = tf.tensor4d([...slices[0].pixels, ...slices[1].pixels], [2, 32, 32, 1]);
    const together = await guidance(pair, 10).data();
    const alone = await guidance(tf.tensor4d(slices[1].pixels, [1, 32, 32, 1]), 10).data();
    const scale = Math.max(...alone.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    expect(
      maxAbsDiff(together.slice(1024) as Float32Array, alone as Float32Array) / scale,
    ).toBeLessThan(1e-4);
  });

  it('gives p(pathological) in [0, 1] per slice, the softmax of the logits', () => {
    const p = pathologicalProbability(models.classifier!, slices, 0);
    expect(p).toHaveLength(3);
    const logits = tf.tidy(() =>
      classifierLogits(
        models.classifier!.params,
        models.classifier!.config,
        tf.tensor4d(slices[1].pixels, [1, 32, 32, 1]),
        tf.tensor1d([0]),
      ).dataSync(),
    );
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(logits[0] - logits[1])), 5);
    p.forEach((v) => expect(v >= 0 && v <= 1).toBe(true));
  });
});

describe('settingsFor', () => {
  it('takes the preset and overrides only what is given', () => {
    expect(settingsFor(tinyPreset)).toEqual({
      noiseLevel: 20,
      stride: 10,
      guidanceScale: 5,
      encoding: 'ddim',
      seed: 0,
    });
    expect(settingsFor(tinyPreset, { encoding: 'noise', seed: 3 })).toMatchObject({
      encoding: 'noise',
      seed: 3,
      noiseLevel: 20,
    });
  });

  it("keeps the preset's ensemble and normalisation only for the preset's own raw map", () => {
    const shipped = {
      ...tinyPreset,
      encoding: 'noise' as const,
      noiseLevel: 400,
      stride: 400,
      guidanceScale: 0,
      noiseLevels: [400, 200],
      noiseDraws: 3,
      mapNormalisation: 'healthy-ratio' as const,
    };
    // the preset itself, and an override that leaves the raw map as it is (the image score)
    expect(settingsFor(shipped).mapNormalisation).toBe('healthy-ratio');
    expect(settingsFor(shipped, { imageScore: 'map' }).mapNormalisation).toBe('healthy-ratio');
    // another L: alone (outside the ensemble) and unnormalised
    expect(settingsFor(shipped, { noiseLevel: 100, stride: 10 })).toMatchObject({
      noiseLevel: 100,
      noiseLevels: [100],
      stride: 10,
      mapNormalisation: 'none',
    });
    // an L of the ensemble keeps the ensemble; the guidance scale alone changes the raw map
    expect(settingsFor(shipped, { noiseLevel: 200, stride: 200 }).noiseLevels).toEqual([400, 200]);
    expect(settingsFor(shipped, { guidanceScale: 30 }).mapNormalisation).toBe('none');
    // one step at any L when the preset decodes in one step and k is not given
    expect(settingsFor(shipped, { noiseLevel: 300 })).toMatchObject({
      noiseLevel: 300,
      stride: 300,
    });
    expect(settingsFor(tinyPreset, { noiseLevel: 40 }).stride).toBe(10);
    // what the overrides say wins
    expect(
      settingsFor(shipped, { noiseLevel: 100, stride: 10, mapNormalisation: 'healthy-mean' }),
    ).toMatchObject({ mapNormalisation: 'healthy-mean', noiseLevels: [100] });
    expect(settingsFor(shipped, { noiseLevel: 100, noiseLevels: [100, 400] }).noiseLevels).toEqual([
      100, 400,
    ]);
  });
});
