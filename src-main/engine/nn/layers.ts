import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from './params.ts';

/** 'same'-padded 2-D convolution with bias, NHWC; weights [k, k, in, out]. */
export function conv(
  p: ParamStore,
  name: string,
  x: tf.Tensor4D,
  outChannels: number,
  kernel = 3,
  stride = 1,
): tf.Tensor4D {
  const inChannels = x.shape[3];
  const w = p.get(
    `${name}.w`,
    [kernel, kernel, inChannels, outChannels],
    'he',
    kernel * kernel * inChannels,
  );
  const b = p.get(`${name}.b`, [outChannels], 'zeros');
  return tf.add(tf.conv2d(x, w as tf.Tensor4D, stride, 'same'), b);
}

/** a [n, k] x b [k, m] as a 1x1 convolution, the one fast dense kernel of the wasm backend. */
function convMatMul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const [n, k] = a.shape;
  const m = b.shape[1];
  const product = tf.conv2d(
    tf.reshape(a, [1, 1, n, k]) as tf.Tensor4D,
    tf.reshape(b, [1, 1, k, m]) as tf.Tensor4D,
    1,
    'valid',
  );
  return tf.reshape(product, [n, m]);
}

/**
 * Matrix product whose forward pass and both gradients (dA = g B^T, dB = A^T g) are 1x1
 * convolutions: on wasm, BatchMatMul and its transposed forms run ~10x slower than Conv2D.
 */
const convMatMul2d = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: convMatMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as tf.Tensor2D[];
      return [
        convMatMul(dy as tf.Tensor2D, tf.transpose(sb)),
        convMatMul(tf.transpose(sa), dy as tf.Tensor2D),
      ];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (
  a: tf.Tensor2D,
  b: tf.Tensor2D,
) => tf.Tensor2D;

/** a x b: through 1x1 convolutions on wasm (see convMatMul2d), the library's own MatMul elsewhere. */
export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.getBackend() === 'wasm' ? convMatMul2d(a, b) : tf.matMul(a, b);
}

/** Fully connected layer on [batch, features]. */
export function dense(p: ParamStore, name: string, x: tf.Tensor2D, units: number): tf.Tensor2D {
  const w = p.get(`${name}.w`, [x.shape[1], units], 'he', x.shape[1]);
  const b = p.get(`${name}.b`, [units], 'zeros');
  return tf.add(matMul2d(x, w as tf.Tensor2D), b);
}

export function silu<T extends tf.Tensor>(x: T): T {
  return tf.mul(x, tf.sigmoid(x));
}

/** GroupNorm (Wu & He 2018) over NHWC: statistics per sample and per group of channels. */
export function groupNorm(
  p: ParamStore,
  name: string,
  x: tf.Tensor4D,
  groups: number,
): tf.Tensor4D {
  const [batch, height, width, channels] = x.shape;
  const grouped = tf.reshape(x, [batch, height, width, groups, channels / groups]);
  const { mean, variance } = tf.moments(grouped, [1, 2, 4], true);
  const normalised = tf.div(tf.sub(grouped, mean), tf.sqrt(tf.add(variance, 1e-5)));
  const gamma = p.get(`${name}.gamma`, [channels], 'ones');
  const beta = p.get(`${name}.beta`, [channels], 'zeros');
  return tf.add(tf.mul(tf.reshape(normalised, x.shape), gamma), beta);
}

/**
 * Nearest-neighbour 2x upsampling by reshape + broadcast: its gradient is a plain sum, avoiding
 * ResizeNearestNeighborGrad (wrong for batch > 1 on the tfjs 4.22 cpu backend). Each broadcast
 * stays rank 4, the highest rank whose gradient (a Tile gradient) tfjs implements.
 */
export function upsample2x(x: tf.Tensor4D): tf.Tensor4D {
  const [batch, height, width, channels] = x.shape;
  const columns = tf.broadcastTo(tf.reshape(x, [batch * height, width, 1, channels]), [
    batch * height,
    width,
    2,
    channels,
  ]);
  const rows = tf.broadcastTo(tf.reshape(columns, [batch, height, 1, 2 * width * channels]), [
    batch,
    height,
    2,
    2 * width * channels,
  ]);
  return tf.reshape(rows, [batch, height * 2, width * 2, channels]);
}

/** Single-head self-attention over all positions, with a residual connection. */
export function attention(
  p: ParamStore,
  name: string,
  x: tf.Tensor4D,
  groups: number,
): tf.Tensor4D {
  // Its own tidy scope: the attention's temporaries are freed when it returns (see resBlock).
  return tf.tidy(() => {
    const [batch, height, width, channels] = x.shape;
    const tokens: tf.Tensor2D = tf.reshape(groupNorm(p, `${name}.norm`, x, groups), [
      batch * height * width,
      channels,
    ]);
    const qkv = tf.reshape(dense(p, `${name}.qkv`, tokens, 3 * channels), [
      batch,
      height * width,
      3 * channels,
    ]);
    const [q, k, v] = tf.split(qkv, 3, 2);
    const perSample = Array.from({ length: batch }, (_, i) => {
      const row = (t: tf.Tensor) =>
        tf.reshape(tf.slice(t, [i, 0, 0], [1, -1, -1]), [height * width, channels]) as tf.Tensor2D;
      const weights = tf.softmax(
        tf.div(matMul2d(row(q), tf.transpose(row(k))), Math.sqrt(channels)),
      ) as tf.Tensor2D;
      return matMul2d(weights, row(v));
    });
    const attended = tf.concat(perSample, 0);
    const out = tf.reshape(dense(p, `${name}.out`, attended, channels), x.shape);
    return tf.add(x, out);
  });
}

/** Sinusoidal embedding of the timestep (Vaswani et al.), [batch] -> [batch, dim]. */
export function timeEmbedding(t: tf.Tensor1D, dim: number): tf.Tensor2D {
  const half = dim / 2;
  const freqs = tf.exp(tf.mul(tf.range(0, half, 1, 'float32'), -Math.log(10000) / half));
  const angles = tf.mul(tf.expandDims(tf.cast(t, 'float32'), 1), tf.expandDims(freqs, 0));
  return tf.concat([tf.cos(angles), tf.sin(angles)], 1) as tf.Tensor2D;
}
