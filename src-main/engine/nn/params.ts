import * as tf from '@tensorflow/tfjs';

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

/** A small seeded generator so that initial weights and sampled noise are reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Box-Muller transform of a uniform generator. */
export function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
