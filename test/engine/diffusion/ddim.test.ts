import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend.ts';
import {
  encodeStep,
  guidedDecodeStep,
  predictX0,
  qSample,
} from '../../../src-main/engine/diffusion/ddim.ts';
import { reconstructBatch } from '../../../src-main/engine/diffusion/reconstruct.ts';
import { ddimTimesteps, linearSchedule } from '../../../src-main/engine/diffusion/schedule.ts';
import { gaussian, mulberry32 } from '../../../src-main/engine/random.ts';

const schedule = linearSchedule();
const ab = schedule.alphaBar;
const SHAPE: [number, number, number, number] = [2, 6, 6, 1];
const N = 2 * 6 * 6;

function randomArray(seed: number, scale = 1, length = N): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length }, () => gaussian(random) * scale);
}

/** Clean images near the ends of [-1, 1], so the noisy x_t leave [-1, 1] during the chain. */
function cleanImage(seed: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: N }, () => (random() < 0.5 ? -0.95 : 0.95) * random());
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/**
 * The perfect noise predictor for a known x0: eps(x_t, t) = (x_t - sqrt(ab_t) x0) / sqrt(1 - ab_t).
 * With it, every DDIM step keeps x0_hat = x0 and the same eps, so inversion then decoding is exact.
 */
function oracle(x0: tf.Tensor4D) {
  return (x: tf.Tensor4D, t: number) =>
    tf.tidy(
      () => tf.div(tf.sub(x, tf.mul(x0, Math.sqrt(ab[t]))), Math.sqrt(1 - ab[t])) as tf.Tensor4D,
    );
}

beforeAll(async () => {
  await initBackend();
});

describe('qSample and predictX0', () => {
  it('computes x_t = sqrt(ab_t) x0 + sqrt(1 - ab_t) eps and inverts it', async () => {
    const x0 = cleanImage(1);
    const eps = randomArray(2);
    for (const t of [0, 37, 500, 999]) {
      const xt = qSample(schedule, tf.tensor4d(x0, SHAPE), t, tf.tensor4d(eps, SHAPE));
      const expected = x0.map((v, i) => Math.sqrt(ab[t]) * v + Math.sqrt(1 - ab[t]) * eps[i]);
      expect(maxAbsDiff(await xt.data(), expected)).toBeLessThan(1e-6);
      const back = predictX0(schedule, xt, tf.tensor4d(eps, SHAPE), t);
      // Dividing by sqrt(ab_999) ~ 0.006 amplifies float32 rounding of x_t.
      expect(maxAbsDiff(await back.data(), x0)).toBeLessThan(t === 999 ? 1e-3 : 1e-5);
    }
  });
});

describe('DDIM inversion and decoding with a perfect noise predictor', () => {
  it('encodes to x_L = q_sample(x0, L, eps) and decodes back to the input within 1e-4', async () => {
    const x0 = tf.tensor4d(cleanImage(3), SHAPE);
    const eps = tf.tensor4d(randomArray(4), SHAPE);
    const predict = oracle(x0);
    const timesteps = ddimTimesteps(300, 20, schedule.steps);
    const start = qSample(schedule, x0, 0, eps);
    let x = start;
    for (let i = 0; i + 1 < timesteps.length; i++)
      x = encodeStep(schedule, predict, x, timesteps[i], timesteps[i + 1]);
    const encoded = await x.data();
    const expected = await qSample(schedule, x0, 300, eps).data();
    expect(maxAbsDiff(encoded, expected)).toBeLessThan(1e-4);
    // The chain does leave [-1, 1]: clamping x_t anywhere would break the round trip.
    expect(Math.max(...encoded.map(Math.abs))).toBeGreaterThan(1.5);
    for (let i = timesteps.length - 1; i > 0; i--) {
      const e = predict(x, timesteps[i]);
      x = guidedDecodeStep(schedule, x, e, null, 0, timesteps[i], timesteps[i - 1]);
    }
    // The last step ends at x0_hat itself: the clean image, not x_0 = q_sample(x0, 0, eps).
    expect(maxAbsDiff(await x.data(), await x0.data())).toBeLessThan(1e-4);
    expect(maxAbsDiff(await start.data(), await x0.data())).toBeGreaterThan(1e-3);
  });

  it('gives back the input through reconstructBatch (DDIM encoding, s = 0)', async () => {
    const pixels = cleanImage(5);
    const x0 = tf.tensor4d(pixels, SHAPE);
    const slices = [0, 1].map((b) => ({ size: 6, pixels: pixels.slice(b * 36, (b + 1) * 36) }));
    const { reconstructions } = await reconstructBatch({
      schedule,
      predictNoise: oracle(x0),
      slices,
      settings: { noiseLevel: 400, stride: 25, guidanceScale: 0, encoding: 'ddim' },
    });
    reconstructions.forEach((r, b) => expect(maxAbsDiff(r, slices[b].pixels)).toBeLessThan(1e-4));
  });

  it('decodes in one step when k = L (the default map): x_hat = clip(predicted x0 at L)', async () => {
    // Stochastic encoding x_L = q_sample(x0, L, the seed's noise), then one guided-free step to
    // t = 0, which returns the clipped x0 prediction itself. A predictor that is not the oracle
    // (eps = 0.3 x_t) makes the prediction differ from the input, so the formula is what is
    // checked, in float64 against the engine's float32.
    const L = 400;
    const pixels = cleanImage(6).slice(0, 36);
    const { reconstructions } = await reconstructBatch({
      schedule,
      predictNoise: (x) => tf.tidy(() => tf.mul(x, 0.3) as tf.Tensor4D),
      slices: [{ size: 6, pixels }],
      settings: { noiseLevel: L, stride: L, guidanceScale: 0, encoding: 'noise', seed: 11 },
    });
    const random = mulberry32(11);
    const noise = Array.from({ length: 36 }, () => gaussian(random));
    const expected = Array.from(pixels, (v, i) => {
      const xL = Math.sqrt(ab[L]) * v + Math.sqrt(1 - ab[L]) * noise[i];
      const x0 = (xL - Math.sqrt(1 - ab[L]) * 0.3 * xL) / Math.sqrt(ab[L]);
      return Math.min(1, Math.max(-1, x0));
    });
    expect(maxAbsDiff(reconstructions[0], expected)).toBeLessThan(1e-5);
    expect(maxAbsDiff(reconstructions[0], pixels)).toBeGreaterThan(0.1);
    expect(ddimTimesteps(L, L, schedule.steps)).toEqual([0, L]);
  });
});

describe('guidedDecodeStep', () => {
  /** The step of ALGORITHM.md in float64: eps_hat, clipped x0_hat, then x_{t-k}. */
  function referenceStep(
    x: Float32Array,
    eps: Float32Array,
    g: number,
    s: number,
    t: number,
    tPrev: number,
  ) {
    return Array.from(x, (xi, i) => {
      const epsHat = eps[i] - s * Math.sqrt(1 - ab[t]) * g;
      const x0 = Math.min(1, Math.max(-1, (xi - Math.sqrt(1 - ab[t]) * epsHat) / Math.sqrt(ab[t])));
      return Math.sqrt(ab[tPrev]) * x0 + Math.sqrt(1 - ab[tPrev]) * epsHat;
    });
  }

  it('shifts eps by -s sqrt(1 - ab_t) g and follows the closed form', async () => {
    const x = randomArray(6, 0.5);
    const eps = randomArray(7, 0.3);
    const [g, s, t, tPrev] = [0.3, 2.5, 200, 180];
    const out = guidedDecodeStep(
      schedule,
      tf.tensor4d(x, SHAPE),
      tf.tensor4d(eps, SHAPE),
      tf.fill(SHAPE, g) as tf.Tensor4D,
      s,
      t,
      tPrev,
    );
    expect(maxAbsDiff(await out.data(), referenceStep(x, eps, g, s, t, tPrev))).toBeLessThan(1e-5);
  });

  it('with a constant gradient equals the unguided step from the shifted eps', async () => {
    // Where x0_hat is not clipped, guidance is exactly an unguided step with eps - s sqrt(1 - ab_t) g.
    const x = randomArray(8, 0.2);
    const eps = randomArray(9, 0.1);
    const [g, s, t, tPrev] = [-0.7, 4, 120, 100];
    const shift = s * Math.sqrt(1 - ab[t]) * g;
    const guided = guidedDecodeStep(
      schedule,
      tf.tensor4d(x, SHAPE),
      tf.tensor4d(eps, SHAPE),
      tf.fill(SHAPE, g) as tf.Tensor4D,
      s,
      t,
      tPrev,
    );
    const shifted = guidedDecodeStep(
      schedule,
      tf.tensor4d(x, SHAPE),
      tf.tensor4d(
        eps.map((e) => e - shift),
        SHAPE,
      ),
      null,
      0,
      t,
      tPrev,
    );
    expect(maxAbsDiff(await guided.data(), await shifted.data())).toBeLessThan(1e-6);
    const unguided = guidedDecodeStep(
      schedule,
      tf.tensor4d(x, SHAPE),
      tf.tensor4d(eps, SHAPE),
      null,
      s,
      t,
      tPrev,
    );
    expect(maxAbsDiff(await guided.data(), await unguided.data())).toBeGreaterThan(1e-3);
  });

  it('clips x0_hat to [-1, 1] but never x_t', async () => {
    // x_t = 3 and eps = -2: x0_hat is far above 1 and must be clipped to 1; x_{t-k} is not clipped.
    const x = new Float32Array(N).fill(3);
    const eps = new Float32Array(N).fill(-2);
    const [t, tPrev] = [600, 500];
    const out = await guidedDecodeStep(
      schedule,
      tf.tensor4d(x, SHAPE),
      tf.tensor4d(eps, SHAPE),
      null,
      0,
      t,
      tPrev,
    ).data();
    const expected = Math.sqrt(ab[tPrev]) * 1 + Math.sqrt(1 - ab[tPrev]) * -2;
    expect(maxAbsDiff(out, new Float32Array(N).fill(expected))).toBeLessThan(1e-5);
    const big = await guidedDecodeStep(
      schedule,
      tf.tensor4d(new Float32Array(N).fill(3), SHAPE),
      tf.tensor4d(new Float32Array(N).fill(2), SHAPE),
      null,
      0,
      t,
      tPrev,
    ).data();
    // x0_hat = clip((3 - sqrt(1 - ab) 2) / sqrt(ab)) = 1; x_{t-k} = sqrt(ab') + 2 sqrt(1 - ab') > 1.
    expect(big[0]).toBeCloseTo(Math.sqrt(ab[tPrev]) + 2 * Math.sqrt(1 - ab[tPrev]), 5);
    expect(big[0]).toBeGreaterThan(1.5);
  });
});

describe('the last decoding step (to t = 0)', () => {
  it('returns x0_hat clipped to [-1, 1], not sqrt(ab_0) x0_hat + sqrt(1 - ab_0) eps_hat', async () => {
    const x = randomArray(12, 0.9);
    const eps = randomArray(13, 1.5);
    const [g, s, t] = [0.2, 3, 20];
    const out = await guidedDecodeStep(
      schedule,
      tf.tensor4d(x, SHAPE),
      tf.tensor4d(eps, SHAPE),
      tf.fill(SHAPE, g) as tf.Tensor4D,
      s,
      t,
      0,
    ).data();
    const expected = Array.from(x, (xi, i) => {
      const epsHat = eps[i] - s * Math.sqrt(1 - ab[t]) * g;
      return Math.min(1, Math.max(-1, (xi - Math.sqrt(1 - ab[t]) * epsHat) / Math.sqrt(ab[t])));
    });
    expect(maxAbsDiff(out, expected)).toBeLessThan(1e-5);
    // Some values were clipped: the output stays inside [-1, 1].
    expect(expected.some((v) => Math.abs(v) === 1)).toBe(true);
    expect(Math.max(...out.map(Math.abs))).toBeLessThanOrEqual(1);
  });
});

describe('encodeStep', () => {
  it('moves x_t to t + k along its own predicted noise', async () => {
    const x = randomArray(10, 0.8);
    const epsValues = randomArray(11, 0.5);
    const [t, tNext] = [40, 90];
    const out = await encodeStep(
      schedule,
      () => tf.tensor4d(epsValues, SHAPE),
      tf.tensor4d(x, SHAPE),
      t,
      tNext,
    ).data();
    const expected = Array.from(x, (xi, i) => {
      const x0 = (xi - Math.sqrt(1 - ab[t]) * epsValues[i]) / Math.sqrt(ab[t]);
      return Math.sqrt(ab[tNext]) * x0 + Math.sqrt(1 - ab[tNext]) * epsValues[i];
    });
    expect(maxAbsDiff(out, expected)).toBeLessThan(1e-5);
  });
});
