import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from '../nn/params.ts';

/**
 * Adam (Kingma & Ba) with bias correction, its moments kept by weight name so that a checkpoint
 * restores them exactly in another process.
 */
export class Adam {
  step = 0;
  readonly firstMoment = new Map<string, tf.Variable>();
  readonly secondMoment = new Map<string, tf.Variable>();

  constructor(
    readonly learningRate: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
  ) {}

  /** Applies one update from gradients keyed by weight name. */
  apply(params: ParamStore, gradients: Map<string, tf.Tensor>): void {
    this.step += 1;
    const correction1 = 1 - this.beta1 ** this.step;
    const correction2 = 1 - this.beta2 ** this.step;
    const stepSize = (this.learningRate * Math.sqrt(correction2)) / correction1;
    tf.tidy(() => {
      for (const [name, gradient] of gradients) {
        const weight = params.variables.get(name);
        if (!weight) throw new Error(`gradient for unknown weight ${name}`);
        const m = this.moment(this.firstMoment, name, weight.shape);
        const v = this.moment(this.secondMoment, name, weight.shape);
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(gradient, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2)));
        weight.assign(
          tf.sub(weight, tf.div(tf.mul(m, stepSize), tf.add(tf.sqrt(v), this.epsilon))),
        );
      }
    });
  }

  /** Applies one update from gradients given as plain arrays (as they come from computeGradients). */
  applyArrays(params: ParamStore, gradients: Map<string, Float32Array>): void {
    tf.tidy(() =>
      this.apply(
        params,
        new Map([...gradients].map(([n, g]) => [n, tf.tensor(g, params.variables.get(n)!.shape)])),
      ),
    );
  }

  private moment(store: Map<string, tf.Variable>, name: string, shape: number[]): tf.Variable {
    let moment = store.get(name);
    if (!moment) {
      moment = tf.variable(tf.zeros(shape), false);
      store.set(name, moment);
    }
    return moment;
  }

  dispose(): void {
    for (const v of [...this.firstMoment.values(), ...this.secondMoment.values()]) v.dispose();
    this.firstMoment.clear();
    this.secondMoment.clear();
  }
}
