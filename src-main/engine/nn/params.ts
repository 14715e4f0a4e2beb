import * as tf from '@tensorflow/tfjs';
import { gaussian, mulberry32 } from '../random.ts';

/**
 * The named trainable weights of one network. Layers look weights up by name, so a network is
 * a plain function of (params, inputs) and saving or loading is a walk over this map.
 */
let storesCreated = 0;

export class ParamStore {
  readonly variables = new Map<string, tf.Variable>();
  private readonly random: () => number;
  /** tfjs names variables globally; this prefix keeps two networks (or an EMA copy) apart. */
  private readonly prefix: string;

  constructor(seed = 1, label = 'net') {
    this.random = mulberry32(seed);
    this.prefix = `${label}${++storesCreated}/`;
  }

  /** Returns the weight `name`, creating it with He-normal (or zero / one) init on first use. */
  get(name: string, shape: number[], init: 'he' | 'zeros' | 'ones', fanIn = 1): tf.Variable {
    const existing = this.variables.get(name);
    if (existing) return existing;
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (init === 'ones') values.fill(1);
    if (init === 'he') {
      const std = Math.sqrt(2 / fanIn);
      for (let i = 0; i < size; i++) values[i] = gaussian(this.random) * std;
    }
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape), true, this.prefix + name));
    this.variables.set(name, variable);
    return variable;
  }

  /** Total number of scalar weights. */
  count(): number {
    let n = 0;
    for (const v of this.variables.values()) n += v.size;
    return n;
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
  }
}
