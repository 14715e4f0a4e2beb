/**
 * The engine against the PyTorch twin (train-gpu/twin.py), where CI has no PyTorch: the fixture
 * holds a tiny random diffusion model written by the twin's converter, the head of a classifier
 * that shares its encoder (to stay small), and the twin's float64 outputs on seeded inputs
 * (train-gpu/make_fixture.py). A model trained by the twin (train-gpu/train.py) is only as good
 * as this agreement: same layers, same weight layout.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/engine/backend.ts';
import {
  assignWeights,
  createModelParams,
  expectedShapes,
  loadModel,
  readWeights,
  type Model,
} from '../../src-main/engine/models.ts';
import { classifierLogits, noiseModel } from '../../src-main/engine/nn/unet.ts';
import { healthyGradient } from '../../src-main/engine/predictors.ts';

const fixture = join(import.meta.dirname, '../fixtures/torch-twin');

interface Reference {
  /** SHA-256 of train-gpu/twin.py when make_fixture.py wrote this fixture. */
  twinSha256: string;
  shape: [number, number, number, number];
  input: string;
  diffusionT: number[];
  classifierT: number[];
  gradientT: number;
  classifierHead: Record<string, { shape: number[]; values: string }>;
  eps: string;
  logits: string;
  gradient: string;
}

const floats = (base64: string) => {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
};

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((worst, v, i) => Math.max(worst, Math.abs(v - b[i])), 0);
}

const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** The classifier of the fixture: the diffusion model's encoder weights and the stored head. */
async function classifierFromEncoder(
  encoder: Model,
  head: Reference['classifierHead'],
): Promise<Model> {
  const kind = 'classifier' as const;
  const shapes = expectedShapes({ kind, config: encoder.config });
  const arrays = new Map(
    [...(await readWeights(encoder.params))].filter(([name]) => shapes.has(name)),
  );
  for (const [name, { shape, values }] of Object.entries(head))
    arrays.set(name, { shape, values: floats(values) });
  const params = createModelParams(kind, encoder.config, 0);
  assignWeights(params, arrays, shapes, 'reference.json');
  return { kind, config: encoder.config, params, manifest: { ...encoder.manifest, kind } };
}

let reference: Reference;
let diffusion: Model;
let classifier: Model;
let input: () => tf.Tensor4D;

beforeAll(async () => {
  await initBackend();
  reference = JSON.parse(await readFile(join(fixture, 'reference.json'), 'utf8')) as Reference;
  diffusion = await loadModel(join(fixture, 'diffusion'), 'diffusion');
  classifier = await classifierFromEncoder(diffusion, reference.classifierHead);
  input = () => tf.tensor4d(floats(reference.input), reference.shape);
});

afterAll(() => {
  diffusion.params.dispose();
  classifier.params.dispose();
});

describe('the engine against the PyTorch twin', () => {
  it('was made with the twin as it is now (train-gpu/twin.py unchanged since)', async () => {
    const twin = await readFile(join(import.meta.dirname, '../../train-gpu/twin.py'));
    expect(
      createHash('sha256').update(twin).digest('hex'),
      'train-gpu/twin.py changed: make the fixture again (python3 train-gpu/make_fixture.py test/fixtures/torch-twin) and check parity',
    ).toBe(reference.twinSha256);
  });

  it('loads the weights the twin wrote, checksum and layout included', () => {
    expect(diffusion.params.count()).toBe(29_625);
    expect(classifier.params.variables.has('head.out.w')).toBe(true);
    expect(classifier.params.variables.has('up0.res0.conv1.w')).toBe(false);
    expect(diffusion.manifest.training.note).toMatch(/PyTorch twin/);
  });

  it('predicts the same noise as the twin (max abs difference < 1e-4)', () => {
    const before = tf.memory().numTensors;
    const eps = tf.tidy(() =>
      noiseModel(diffusion.params, diffusion.config, input(), tf.tensor1d(reference.diffusionT)),
    );
    const values = eps.dataSync() as Float32Array;
    eps.dispose();
    const expected = floats(reference.eps);
    expect(maxAbs(expected)).toBeGreaterThan(1);
    expect(maxAbsDiff(values, expected)).toBeLessThan(1e-4);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the same classifier logits as the twin (max abs difference < 1e-4)', () => {
    const before = tf.memory().numTensors;
    const logits = tf.tidy(() =>
      classifierLogits(
        classifier.params,
        classifier.config,
        input(),
        tf.tensor1d(reference.classifierT),
      ),
    );
    const values = logits.dataSync() as Float32Array;
    logits.dispose();
    const expected = floats(reference.logits);
    expect(maxAbs(expected)).toBeGreaterThan(1);
    expect(maxAbsDiff(values, expected)).toBeLessThan(1e-4);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the same guidance gradient, grad_x log p(healthy | x_t, t), as the twin', () => {
    const before = tf.memory().numTensors;
    const x = input();
    const gradient = healthyGradient(classifier)(x, reference.gradientT);
    const values = gradient.dataSync() as Float32Array;
    tf.dispose([x, gradient]);
    const expected = floats(reference.gradient);
    expect(maxAbs(expected)).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(values, expected)).toBeLessThan(1e-4);
    expect(tf.memory().numTensors).toBe(before);
  });
});
