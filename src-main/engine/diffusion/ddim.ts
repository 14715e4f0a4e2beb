import * as tf from '@tensorflow/tfjs';
import type { Schedule } from './schedule.ts';

/** eps_theta(x_t, t) for a batch at one timestep. */
export type NoisePredictor = (x: tf.Tensor4D, t: number) => tf.Tensor4D;
/** A gradient being computed in another process: `sent` once the request has left this one. */
export interface PendingGradient {
  sent: Promise<void>;
  gradient: Promise<tf.Tensor4D>;
}

/**
 * grad_{x_t} log p_phi(y = healthy | x_t, t) for a batch at one timestep, computed here or, while
 * this process computes eps_theta, in another one.
 */
export type GuidanceGradient = (x: tf.Tensor4D, t: number) => tf.Tensor4D | PendingGradient;

/** x_t = sqrt(ab_t) x_0 + sqrt(1 - ab_t) eps  (q_sample). */
export function qSample(
  schedule: Schedule,
  x0: tf.Tensor4D,
  t: number,
  eps: tf.Tensor4D,
): tf.Tensor4D {
  const ab = schedule.alphaBar[t];
  return tf.tidy(() => tf.add(tf.mul(x0, Math.sqrt(ab)), tf.mul(eps, Math.sqrt(1 - ab))));
}

/** x0_hat = (x_t - sqrt(1 - ab_t) eps) / sqrt(ab_t). */
export function predictX0(
  schedule: Schedule,
  x: tf.Tensor4D,
  eps: tf.Tensor4D,
  t: number,
): tf.Tensor4D {
  const ab = schedule.alphaBar[t];
  return tf.tidy(() => tf.div(tf.sub(x, tf.mul(eps, Math.sqrt(1 - ab))), Math.sqrt(ab)));
}

/** One DDIM inversion step t -> t + k (no guidance, no clipping: clipping breaks the inversion). */
export function encodeStep(
  schedule: Schedule,
  predictNoise: NoisePredictor,
  x: tf.Tensor4D,
  t: number,
  tNext: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const eps = predictNoise(x, t);
    const x0 = predictX0(schedule, x, eps, t);
    return moveTo(schedule, x0, eps, tNext);
  });
}

/**
 * One guided decoding step t -> t - k:
 *   eps_hat = eps_theta(x_t, t) - s * sqrt(1 - ab_t) * g
 *   x0_hat = clip((x_t - sqrt(1 - ab_t) eps_hat) / sqrt(ab_t), -1, 1)
 *   x_{t-k} = sqrt(ab_{t-k}) x0_hat + sqrt(1 - ab_{t-k}) eps_hat
 * The last step (t - k = 0) ends the decoding: it returns the clean estimate x0_hat, clipped,
 * rather than re-noising it with ab_0 = 1 - beta_1 (ALGORITHM.md: decoding ends at the image).
 * `eps` and `gradient` are given so that the caller may compute them in parallel.
 */
export function guidedDecodeStep(
  schedule: Schedule,
  x: tf.Tensor4D,
  eps: tf.Tensor4D,
  gradient: tf.Tensor4D | null,
  guidanceScale: number,
  t: number,
  tPrev: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const ab = schedule.alphaBar[t];
    const epsHat: tf.Tensor4D =
      gradient && guidanceScale !== 0
        ? tf.sub(eps, tf.mul(gradient, guidanceScale * Math.sqrt(1 - ab)))
        : eps;
    const x0 = tf.clipByValue(predictX0(schedule, x, epsHat, t), -1, 1);
    return tPrev === 0 ? x0 : moveTo(schedule, x0, epsHat, tPrev);
  });
}

function moveTo(schedule: Schedule, x0: tf.Tensor4D, eps: tf.Tensor4D, t: number): tf.Tensor4D {
  const ab = schedule.alphaBar[t];
  return tf.add(tf.mul(x0, Math.sqrt(ab)), tf.mul(eps, Math.sqrt(1 - ab)));
}
