import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend.ts';
import { reconstructBatch } from '../../../src-main/engine/diffusion/reconstruct.ts';
import { linearSchedule } from '../../../src-main/engine/diffusion/schedule.ts';
import {
  CancelledError,
  type Progress,
  type ReconstructionSettings,
} from '../../../src-main/engine/types.ts';

const schedule = linearSchedule();
const SIZE = 8;

function slice(seed: number) {
  return {
    size: SIZE,
    pixels: Float32Array.from({ length: SIZE * SIZE }, (_, i) => Math.sin(i * 0.37 + seed) * 0.8),
  };
}

/** A cheap stand-in for eps_theta that depends on x, so the chain's path matters. */
const predictNoise = (x: tf.Tensor4D) => tf.tidy(() => tf.mul(tf.tanh(x), 0.3) as tf.Tensor4D);
const constantGradient = (x: tf.Tensor4D) => tf.fill(x.shape, 0.05) as tf.Tensor4D;

const ddim: ReconstructionSettings = {
  noiseLevel: 50,
  stride: 10,
  guidanceScale: 2,
  encoding: 'ddim',
};

beforeAll(async () => {
  await initBackend();
});

describe('reconstructBatch', () => {
  it('reports every encoding and decoding step, ending at done = total', async () => {
    const seen: Progress[] = [];
    await reconstructBatch(
      {
        schedule,
        predictNoise,
        guidanceGradient: constantGradient,
        slices: [slice(1), slice(2)],
        settings: ddim,
      },
      { onProgress: (p) => seen.push(p) },
    );
    // Timesteps 0, 10, ..., 50: 5 inversion steps and 5 decoding steps.
    expect(seen.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(seen.map((p) => p.total))).toEqual(new Set([10]));
    expect(seen[0].phase).toBe('reconstruct');

    const noiseSteps: Progress[] = [];
    await reconstructBatch(
      {
        schedule,
        predictNoise,
        slices: [slice(1)],
        settings: { ...ddim, guidanceScale: 0, encoding: 'noise' },
      },
      { onProgress: (p) => noiseSteps.push(p) },
    );
    // q_sample is one step, then 5 decoding steps.
    expect(noiseSteps.map((p) => `${p.done}/${p.total}`)).toEqual([
      '1/6',
      '2/6',
      '3/6',
      '4/6',
      '5/6',
      '6/6',
    ]);
  });

  it('stops with CancelledError when aborted mid-way and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let steps = 0;
    const run = reconstructBatch(
      {
        schedule,
        predictNoise,
        guidanceGradient: constantGradient,
        slices: [slice(1), slice(2)],
        settings: ddim,
      },
      {
        signal: controller.signal,
        onProgress: (p) => {
          steps = p.done;
          if (p.done === 7) controller.abort();
        },
      },
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    await expect(run).rejects.toThrow(/reconstruction was cancelled/);
    expect(steps).toBe(7);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaks no tensors on a completed run', async () => {
    const before = tf.memory().numTensors;
    await reconstructBatch({
      schedule,
      predictNoise,
      guidanceGradient: constantGradient,
      slices: [slice(3)],
      settings: ddim,
      captureFrames: 4,
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('captures frames of both phases, with guidance gradients only while decoding', async () => {
    const slices = [slice(1), slice(2)];
    const { chain, reconstructions } = await reconstructBatch({
      schedule,
      predictNoise,
      guidanceGradient: constantGradient,
      slices,
      settings: ddim,
      captureFrames: 6,
    });
    const encode = chain.filter((f) => f.phase === 'encode');
    const decode = chain.filter((f) => f.phase === 'decode');
    // Six frames over timesteps 0..50: every state before each step of each phase, and the
    // decoded image at t = 0 as the chain's last frame.
    expect(encode.map((f) => f.t)).toEqual([0, 10, 20, 30, 40]);
    expect(decode.map((f) => f.t)).toEqual([50, 40, 30, 20, 10, 0]);
    for (const f of chain) {
      expect(f.x).toHaveLength(2);
      expect(f.x[0]).toHaveLength(SIZE * SIZE);
    }
    // The first encoding frame is the input itself.
    expect(Array.from(encode[0].x[1])).toEqual(Array.from(slices[1].pixels));
    expect(encode.every((f) => f.gradient === null)).toBe(true);
    expect(Array.from(decode.at(-1)!.x[1])).toEqual(Array.from(reconstructions[1]));
    expect(decode.at(-1)!.gradient).toBeNull();
    for (const f of decode.slice(0, -1)) {
      expect(f.gradient).toHaveLength(2);
      expect(f.gradient![0].every((v) => Math.abs(v - 0.05) < 1e-7)).toBe(true);
    }
    expect(reconstructions).toHaveLength(2);

    const unguided = await reconstructBatch({
      schedule,
      predictNoise,
      slices,
      settings: { ...ddim, guidanceScale: 0 },
      captureFrames: 2,
    });
    expect(unguided.chain.map((f) => `${f.phase}${f.t}`)).toEqual([
      'encode0',
      'decode50',
      'decode0',
    ]);
    expect(unguided.chain.every((f) => f.gradient === null)).toBe(true);
    const none = await reconstructBatch({
      schedule,
      predictNoise,
      slices,
      settings: { ...ddim, guidanceScale: 0 },
    });
    expect(none.chain).toEqual([]);
  });

  // Seed 0, the presets' default, is there because tf.randomNormal treats 0 as "no seed".
  it.each([0, 11])(
    "reproduces the 'noise' encoding with seed %i and differs with another seed",
    async (seed) => {
      const input = { schedule, predictNoise, slices: [slice(4)] };
      const settings: ReconstructionSettings = {
        noiseLevel: 200,
        stride: 50,
        guidanceScale: 0,
        encoding: 'noise',
        seed,
      };
      const a = await reconstructBatch({ ...input, settings });
      const b = await reconstructBatch({ ...input, settings });
      const c = await reconstructBatch({ ...input, settings: { ...settings, seed: seed + 1 } });
      expect(Array.from(a.reconstructions[0])).toEqual(Array.from(b.reconstructions[0]));
      const difference = Math.max(
        ...a.reconstructions[0].map((v, i) => Math.abs(v - c.reconstructions[0][i])),
      );
      expect(difference).toBeGreaterThan(1e-2);
    },
  );

  it("gives a slice the same 'noise' encoding alone as in any place of a batch", async () => {
    const settings: ReconstructionSettings = {
      noiseLevel: 200,
      stride: 50,
      guidanceScale: 0,
      encoding: 'noise',
      seed: 5,
    };
    const alone = await reconstructBatch({ schedule, predictNoise, slices: [slice(7)], settings });
    const batched = await reconstructBatch({
      schedule,
      predictNoise,
      slices: [slice(1), slice(2), slice(7)],
      settings,
    });
    expect(Array.from(batched.reconstructions[2])).toEqual(Array.from(alone.reconstructions[0]));
  });

  it('treats each slice of a batch independently of its neighbours', async () => {
    const together = await reconstructBatch({
      schedule,
      predictNoise,
      guidanceGradient: constantGradient,
      slices: [slice(5), slice(6)],
      settings: ddim,
    });
    const alone = await reconstructBatch({
      schedule,
      predictNoise,
      guidanceGradient: constantGradient,
      slices: [slice(6)],
      settings: ddim,
    });
    expect(
      Math.max(
        ...together.reconstructions[1].map((v, i) => Math.abs(v - alone.reconstructions[0][i])),
      ),
    ).toBeLessThan(1e-6);
  });

  it('refuses guidance without a classifier and slices of different sizes', async () => {
    await expect(
      reconstructBatch({ schedule, predictNoise, slices: [slice(1)], settings: ddim }),
    ).rejects.toThrow(/guidance scale is not 0 but no classifier is loaded/);
    await expect(
      reconstructBatch({
        schedule,
        predictNoise,
        slices: [slice(1), { size: 4, pixels: new Float32Array(16) }],
        settings: { ...ddim, guidanceScale: 0 },
      }),
    ).rejects.toThrow(/same size/);
    expect(
      (await reconstructBatch({ schedule, predictNoise, slices: [], settings: ddim }))
        .reconstructions,
    ).toEqual([]);
  });
});
