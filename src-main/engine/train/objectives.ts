import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from '../nn/params.ts';
import { classifierLogits, noiseModel, type UNetConfig } from '../nn/unet.ts';

/** A noised batch, as plain arrays so it can be split and sent to another process. */
export interface NoisedBatch {
  size: number;
  /** x_t for every slice, back to back. */
  noisy: Float32Array;
  timesteps: number[];
  /** The diffusion target (eps) or, for the classifier, the labels. */
  noise: Float32Array | null;
  labels: number[] | null;
}

export type Objective = 'diffusion' | 'classifier';

/** The training loss of one batch: ||eps - eps_theta(x_t, t)||^2 or the cross-entropy of p_phi. */
export function batchLoss(
  objective: Objective,
  params: ParamStore,
  config: UNetConfig,
  batch: NoisedBatch,
): tf.Scalar {
  const n = batch.timesteps.length;
  const x = tf.tensor4d(batch.noisy, [n, batch.size, batch.size, 1]);
  const t = tf.tensor1d(batch.timesteps, 'float32');
  if (objective === 'diffusion') {
    const target = tf.tensor4d(batch.noise!, [n, batch.size, batch.size, 1]);
    return tf.mean(tf.squaredDifference(noiseModel(params, config, x, t), target));
  }
  const labels = tf.oneHot(tf.tensor1d(batch.labels!, 'int32'), 2);
  return tf.losses.softmaxCrossEntropy(labels, classifierLogits(params, config, x, t)) as tf.Scalar;
}

/** Loss and gradients of one batch, as plain arrays keyed by weight name. */
export async function computeGradients(
  objective: Objective,
  params: ParamStore,
  config: UNetConfig,
  batch: NoisedBatch,
): Promise<{ loss: number; gradients: Map<string, Float32Array> }> {
  const names = [...params.variables.keys()];
  const { value, grads } = tf.variableGrads(
    () => batchLoss(objective, params, config, batch),
    names.map((name) => params.variables.get(name)!),
  );
  try {
    const gradients = new Map<string, Float32Array>();
    const byVariableName = new Map([...params.variables].map(([name, v]) => [v.name, name]));
    for (const [variableName, gradient] of Object.entries(grads))
      gradients.set(byVariableName.get(variableName)!, (await gradient.data()) as Float32Array);
    return { loss: (await value.data())[0], gradients };
  } finally {
    value.dispose();
    for (const gradient of Object.values(grads)) gradient.dispose();
  }
}
