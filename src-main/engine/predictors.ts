/**
 * What the trained models compute at one timestep t, on a batch: eps_theta(x_t, t) of the noise
 * model, and the classifier's grad_x log p_phi(healthy | x_t, t) and p_phi(pathological | x_t, t).
 * The reconstruction (pipeline.ts), the guidance process (diffusion/guidanceWorker.ts) and the
 * evaluation all call these; this file imports no orchestration, so none of them form a cycle.
 */
import * as tf from '@tensorflow/tfjs';
import type { Model } from './models.ts';
import { classifierLogits, noiseModel } from './nn/unet.ts';
import type { Slice } from './types.ts';

/** eps_theta at one timestep for a batch. */
export function noisePredictor(model: Model) {
  return (x: tf.Tensor4D, t: number) =>
    tf.tidy(() =>
      noiseModel(model.params, model.config, x, tf.fill([x.shape[0]], t) as tf.Tensor1D),
    );
}

/**
 * Slices per gradient pass on wasm. The gradient keeps every activation of the classifier for
 * the backward pass, and the wasm heap never shrinks: at batch 8 the guidance process peaked at
 * about 1 GB, two slices at a time at 425 MB, no slower (bench/README.md). Each slice's gradient
 * depends on that slice alone (no layer mixes the batch), so the values are the same.
 */
export const WASM_GRADIENT_CHUNK = 2;

/**
 * grad_x log p_phi(y = healthy | x_t, t), per slice of the batch; `chunk` slices per pass
 * (default: WASM_GRADIENT_CHUNK on wasm, the whole batch elsewhere).
 */
export function healthyGradient(model: Model, chunk?: number) {
  const one = (x: tf.Tensor4D, t: number) =>
    tf.tidy(() => {
      const timesteps = tf.fill([x.shape[0]], t) as tf.Tensor1D;
      const logHealthy = (input: tf.Tensor) =>
        tf.sum(
          tf.slice(
            tf.logSoftmax(
              classifierLogits(model.params, model.config, input as tf.Tensor4D, timesteps),
            ),
            [0, 0],
            [-1, 1],
          ),
        );
      return tf.grad(logHealthy)(x) as tf.Tensor4D;
    });
  return (x: tf.Tensor4D, t: number): tf.Tensor4D => {
    const size = chunk ?? (tf.getBackend() === 'wasm' ? WASM_GRADIENT_CHUNK : x.shape[0]);
    if (x.shape[0] <= size) return one(x, t);
    const parts: tf.Tensor4D[] = [];
    try {
      for (let from = 0; from < x.shape[0]; from += size) {
        const part = tf.slice(x, [from, 0, 0, 0], [Math.min(size, x.shape[0] - from), -1, -1, -1]);
        parts.push(one(part, t));
        part.dispose();
      }
      return tf.concat(parts, 0);
    } finally {
      for (const part of parts) part.dispose();
    }
  };
}

/** p_phi(pathological | x_t, t) per slice, e.g. to validate the classifier at several t. */
export function pathologicalProbability(model: Model, slices: Slice[], t: number): Float32Array {
  return tf.tidy(() => {
    const size = slices[0].size;
    const x = tf.tensor4d(concat(slices.map((s) => s.pixels)), [slices.length, size, size, 1]);
    const logits = classifierLogits(
      model.params,
      model.config,
      x,
      tf.fill([slices.length], t) as tf.Tensor1D,
    );
    return tf.softmax(logits).slice([0, 1], [-1, 1]).dataSync() as Float32Array;
  });
}

/** pathologicalProbability of any number of slices, `batchSize` at a time (none: empty). */
export function pathologicalProbabilities(
  model: Model,
  slices: Slice[],
  t: number,
  batchSize = 16,
): Float32Array {
  const out = new Float32Array(slices.length);
  for (let i = 0; i < slices.length; i += batchSize)
    out.set(pathologicalProbability(model, slices.slice(i, i + batchSize), t), i);
  return out;
}

function concat(arrays: Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}
