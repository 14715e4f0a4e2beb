import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend.ts';
import {
  attention,
  dense,
  groupNorm,
  matMul2d,
  timeEmbedding,
  upsample2x,
} from '../../../src-main/engine/nn/layers.ts';
import { ParamStore } from '../../../src-main/engine/nn/params.ts';
import { gaussian, mulberry32 } from '../../../src-main/engine/random.ts';

function randomTensor(shape: number[], seed: number, scale = 1): tf.Tensor {
  const random = mulberry32(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => gaussian(random) * scale),
    shape,
  );
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** Gives every weight of a store random values (biases and gains included), so nothing is trivially 0 or 1. */
function randomiseWeights(p: ParamStore, seed: number): void {
  let k = seed;
  for (const variable of p.variables.values())
    variable.assign(randomTensor(variable.shape, k++, 0.5) as tf.Variable);
}

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
});

describe('matMul2d', () => {
  it('matches tf.matMul forward and in both gradients', async () => {
    const a = randomTensor([5, 7], 1) as tf.Tensor2D;
    const b = randomTensor([7, 3], 2) as tf.Tensor2D;
    const weight = randomTensor([5, 3], 3);
    const loss =
      (f: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Tensor2D) => (x: tf.Tensor, y: tf.Tensor) =>
        tf.sum(tf.mul(f(x as tf.Tensor2D, y as tf.Tensor2D), weight));
    expect(maxAbsDiff(await matMul2d(a, b).data(), await tf.matMul(a, b).data())).toBeLessThan(
      1e-5,
    );
    const ours = tf.grads(loss(matMul2d))([a, b]);
    const theirs = tf.grads(loss((x, y) => tf.matMul(x, y)))([a, b]);
    expect(ours[0].shape).toEqual([5, 7]);
    expect(ours[1].shape).toEqual([7, 3]);
    for (let i = 0; i < 2; i++)
      expect(maxAbsDiff(await ours[i].data(), await theirs[i].data())).toBeLessThan(1e-5);
  });
});

describe('dense', () => {
  it('is x W + b, with the gradients of tf.matMul', async () => {
    const p = new ParamStore(4);
    const x = randomTensor([6, 5], 5) as tf.Tensor2D;
    dense(p, 'fc', x, 4);
    randomiseWeights(p, 10);
    const [w, b] = [p.variables.get('fc.w')!, p.variables.get('fc.b')!];
    expect(w.shape).toEqual([5, 4]);
    const reference = tf.add(tf.matMul(x, w), b);
    expect(maxAbsDiff(await dense(p, 'fc', x, 4).data(), await reference.data())).toBeLessThan(
      1e-5,
    );
    const weight = randomTensor([6, 4], 6);
    const ours = tf.variableGrads(() => tf.sum(tf.mul(dense(p, 'fc', x, 4), weight)) as tf.Scalar);
    const theirs = tf.variableGrads(
      () => tf.sum(tf.mul(tf.add(tf.matMul(x, w), b), weight)) as tf.Scalar,
    );
    for (const name of Object.keys(theirs.grads))
      expect(
        maxAbsDiff(await ours.grads[name].data(), await theirs.grads[name].data()),
      ).toBeLessThan(1e-5);
  });
});

describe('groupNorm', () => {
  it('normalises per sample and per group of channels, then scales and shifts per channel', async () => {
    const [batch, height, width, channels, groups] = [2, 3, 2, 4, 2];
    const x = randomTensor([batch, height, width, channels], 7, 2);
    const p = new ParamStore(1);
    groupNorm(p, 'gn', x as tf.Tensor4D, groups);
    const gamma = [0.5, -1, 2, 1.5];
    const beta = [0.1, 0, -0.3, 0.7];
    p.variables.get('gn.gamma')!.assign(tf.tensor1d(gamma));
    p.variables.get('gn.beta')!.assign(tf.tensor1d(beta));
    const out = await groupNorm(p, 'gn', x as tf.Tensor4D, groups).data();
    const values = await x.data();
    const perGroup = channels / groups;
    const index = (b: number, y: number, c: number, ch: number) =>
      ((b * height + y) * width + c) * channels + ch;
    for (let b = 0; b < batch; b++)
      for (let g = 0; g < groups; g++) {
        const members: number[] = [];
        for (let y = 0; y < height; y++)
          for (let c = 0; c < width; c++)
            for (let k = 0; k < perGroup; k++) members.push(index(b, y, c, g * perGroup + k));
        const mean = members.reduce((s, i) => s + values[i], 0) / members.length;
        const variance = members.reduce((s, i) => s + (values[i] - mean) ** 2, 0) / members.length;
        for (const i of members) {
          const ch = i % channels;
          const expected = ((values[i] - mean) / Math.sqrt(variance + 1e-5)) * gamma[ch] + beta[ch];
          expect(Math.abs(out[i] - expected)).toBeLessThan(1e-5);
        }
      }
  });
});

describe('upsample2x', () => {
  it('equals nearest-neighbour upsampling, and its gradient sums each 2 x 2 block', async () => {
    const [b, h, w, c] = [2, 3, 4, 5];
    const x = randomTensor([b, h, w, c], 8) as tf.Tensor4D;
    const out = upsample2x(x);
    expect(out.shape).toEqual([b, 2 * h, 2 * w, c]);
    const xv = await x.data();
    const ov = await out.data();
    for (let n = 0; n < b; n++)
      for (let y = 0; y < 2 * h; y++)
        for (let xx = 0; xx < 2 * w; xx++)
          for (let k = 0; k < c; k++)
            expect(ov[((n * 2 * h + y) * 2 * w + xx) * c + k]).toBe(
              xv[((n * h + Math.floor(y / 2)) * w + Math.floor(xx / 2)) * c + k],
            );
    const weight = randomTensor([b, 2 * h, 2 * w, c], 9);
    const wv = await weight.data();
    const grad = await tf
      .grad((t: tf.Tensor) => tf.sum(tf.mul(upsample2x(t as tf.Tensor4D), weight)))(x)
      .data();
    for (let n = 0; n < b; n++)
      for (let y = 0; y < h; y++)
        for (let xx = 0; xx < w; xx++)
          for (let k = 0; k < c; k++) {
            let sum = 0;
            for (const [dy, dx] of [
              [0, 0],
              [0, 1],
              [1, 0],
              [1, 1],
            ])
              sum += wv[((n * 2 * h + 2 * y + dy) * 2 * w + 2 * xx + dx) * c + k];
            expect(grad[((n * h + y) * w + xx) * c + k]).toBeCloseTo(sum, 5);
          }
  });
});

/** Self-attention written with tf.matMul (batched), reading the same weights. */
function referenceAttention(
  p: ParamStore,
  name: string,
  x: tf.Tensor4D,
  groups: number,
): tf.Tensor4D {
  const [batch, height, width, channels] = x.shape;
  const w = (n: string) => p.variables.get(`${name}.${n}`)!;
  const tokens = tf.reshape(groupNorm(p, `${name}.norm`, x, groups), [
    batch * height * width,
    channels,
  ]);
  const qkv = tf.reshape(tf.add(tf.matMul(tokens, w('qkv.w')), w('qkv.b')), [
    batch,
    height * width,
    3 * channels,
  ]);
  const [q, k, v] = tf.split(qkv, 3, 2);
  const weights = tf.softmax(tf.div(tf.matMul(q, k, false, true), Math.sqrt(channels)));
  const attended = tf.reshape(tf.matMul(weights, v), [batch * height * width, channels]);
  const out = tf.add(tf.matMul(attended, w('out.w')), w('out.b'));
  return tf.add(x, tf.reshape(out, x.shape)) as tf.Tensor4D;
}

describe('attention', () => {
  it('matches a tf.matMul implementation forward and in every gradient', async () => {
    const x = randomTensor([2, 3, 3, 8], 12) as tf.Tensor4D;
    const p = new ParamStore(2);
    attention(p, 'att', x, 4);
    randomiseWeights(p, 20);
    const ours = attention(p, 'att', x, 4);
    expect(ours.shape).toEqual([2, 3, 3, 8]);
    expect(
      maxAbsDiff(await ours.data(), await referenceAttention(p, 'att', x, 4).data()),
    ).toBeLessThan(1e-5);
    const weight = randomTensor([2, 3, 3, 8], 13);
    const variables = [...p.variables.values()];
    const lossOf = (f: typeof attention) => (input: tf.Tensor) =>
      tf.sum(tf.mul(f(p, 'att', input as tf.Tensor4D, 4), weight)) as tf.Scalar;
    const g1 = tf.variableGrads(() => lossOf(attention)(x), variables);
    const g2 = tf.variableGrads(() => lossOf(referenceAttention)(x), variables);
    expect(Object.keys(g1.grads).sort()).toEqual(Object.keys(g2.grads).sort());
    for (const name of Object.keys(g2.grads)) {
      const [a, b] = [await g1.grads[name].data(), await g2.grads[name].data()];
      const scale = Math.max(1, ...b.map(Math.abs));
      expect(maxAbsDiff(a, b) / scale).toBeLessThan(1e-5);
    }
    const dx1 = await tf.grad(lossOf(attention))(x).data();
    const dx2 = await tf.grad(lossOf(referenceAttention))(x).data();
    expect(maxAbsDiff(dx1, dx2) / Math.max(1, ...dx2.map(Math.abs))).toBeLessThan(1e-5);
  });

  it('lets each sample attend only to its own positions', async () => {
    const p = new ParamStore(3);
    const a = randomTensor([1, 2, 2, 8], 14) as tf.Tensor4D;
    const b = randomTensor([1, 2, 2, 8], 15) as tf.Tensor4D;
    attention(p, 'att', a, 4);
    randomiseWeights(p, 30);
    const together = await attention(p, 'att', tf.concat([a, b], 0) as tf.Tensor4D, 4).data();
    const alone = await attention(p, 'att', b, 4).data();
    expect(maxAbsDiff(together.slice(32), alone)).toBeLessThan(1e-5);
  });
});

describe('timeEmbedding', () => {
  it('is [cos(t f_i), sin(t f_i)] with f_i = 10000^(-i / half)', async () => {
    const out = await timeEmbedding(tf.tensor1d([0, 3, 250]), 8).data();
    [0, 3, 250].forEach((t, b) => {
      for (let i = 0; i < 4; i++) {
        const f = Math.exp((-Math.log(10000) * i) / 4);
        expect(out[b * 8 + i]).toBeCloseTo(Math.cos(t * f), 4);
        expect(out[b * 8 + 4 + i]).toBeCloseTo(Math.sin(t * f), 4);
      }
    });
  });
});
