import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from '../nn/params.ts';

/**
 * Exponential moving average of the weights, used for inference (ALGORITHM.md). The decay warms
 * up as (1 + step) / (10 + step) so that a short run is not dominated by its random start.
 */
export function updateEma(ema: ParamStore, params: ParamStore, step: number, decay: number): void {
  const d = Math.min(decay, (1 + step) / (10 + step));
  tf.tidy(() => {
    for (const [name, variable] of params.variables) {
      const average = ema.variables.get(name);
      if (!average) throw new Error(`EMA has no weight ${name}`);
      average.assign(tf.add(tf.mul(average, d), tf.mul(variable, 1 - d)));
    }
  });
}

/** Copies every weight of `from` into `to` (same architecture). */
export function copyWeights(from: ParamStore, to: ParamStore): void {
  tf.tidy(() => {
    for (const [name, variable] of from.variables) to.variables.get(name)!.assign(variable);
  });
}
