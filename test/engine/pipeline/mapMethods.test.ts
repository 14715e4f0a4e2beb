import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  coarseMask,
  estimateBrainMask,
  gaussianSmooth,
  maskMap,
  residualMap,
} from '../../../src-main/engine/anomaly/index.ts';
import { reconstruct, type LoadedModels } from '../../../src-main/engine/pipeline.ts';
import { pathologicalProbability } from '../../../src-main/engine/predictors.ts';
import type { ReconstructionSettings, Slice } from '../../../src-main/engine/types.ts';
import { tinyPreset } from '../../fixtures/tinyModels.ts';
import { useTinyPipeline } from './tinyPipeline.ts';

let models: LoadedModels;
let slices: Slice[];
useTinyPipeline('anomap-map-methods-', 3, 5, (tiny) => ({ models, slices } = tiny));

const noise: Partial<ReconstructionSettings> = { encoding: 'noise', seed: 4 };
const run = (settings: Partial<ReconstructionSettings>) =>
  reconstruct(models, slices, { settings, parallel: false });
const sigma = tinyPreset.smoothingSigma;

/** The map of ALGORITHM.md from a residual: smoothed, then zero outside the estimated brain. */
function finished(slice: Slice, residual: Float32Array): Float32Array {
  return maskMap(gaussianSmooth(residual, slice.size, sigma), estimateBrainMask(slice.pixels, 32));
}

describe('noise draws', () => {
  it('average the residuals of the draws with seeds seed, seed + 1, ... and reproduce', async () => {
    const mean = await run({ ...noise, noiseDraws: 3 });
    const singles = await Promise.all([4, 5, 6].map((seed) => run({ ...noise, seed })));
    slices.forEach((slice, i) => {
      const residual = new Float32Array(32 * 32);
      for (const single of singles) {
        const r = residualMap(slice.pixels, single.results[i].reconstruction, 32);
        r.forEach((v, j) => (residual[j] += v / 3));
      }
      const expected = finished(slice, residual);
      mean.results[i].sliceMap.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 5));
    });
    expect(mean.settings.noiseDraws).toBe(3);
    const again = await run({ ...noise, noiseDraws: 3 });
    expect(again.results[0].sliceMap).toEqual(mean.results[0].sliceMap);
    // Different draws differ, so the mean is not just the first draw.
    expect(singles[0].results[0].reconstruction).not.toEqual(singles[1].results[0].reconstruction);
  });

  it('are refused with the deterministic encoding', async () => {
    await expect(run({ encoding: 'ddim', noiseDraws: 2 })).rejects.toThrow(
      /noiseDraws > 1 needs the stochastic \(noise\) encoding/,
    );
  });
});

describe('the l1-ssim residual', () => {
  it('is |x - x_hat| (1 - SSIM) of the same reconstruction, smoothed and masked', async () => {
    const output = await run({ ...noise, residual: 'l1-ssim' });
    slices.forEach((slice, i) => {
      const { reconstruction, sliceMap } = output.results[i];
      const expected = finished(slice, residualMap(slice.pixels, reconstruction, 32, 'l1-ssim'));
      sliceMap.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 6));
    });
  });
});

describe('mask, stitch and re-sample', () => {
  it('returns the input exactly outside the coarse mask and re-synthesises inside it', async () => {
    const first = await run({ ...noise });
    // A cut-off that marks part of the brain: the 90th percentile of the first map's brain values.
    const values = first.results[0].sliceMap.filter((_, j) => first.results[0].brainMask[j]);
    const maskThreshold = values.sort()[Math.floor(values.length * 0.9)];
    const stitched = await run({
      ...noise,
      mapMethod: 'stitch',
      resampleLevel: 20,
      maskThreshold,
      maskDilation: 1,
    });
    slices.forEach((slice, i) => {
      const r = first.results[i];
      const mask = coarseMask(r.sliceMap, r.brainMask, 32, maskThreshold, 1);
      expect(mask.some((v, j) => !v && r.brainMask[j])).toBe(true);
      const { reconstruction } = stitched.results[i];
      let changedInside = 0;
      for (let j = 0; j < mask.length; j++) {
        if (!mask[j]) expect(reconstruction[j]).toBe(slice.pixels[j]);
        else if (reconstruction[j] !== slice.pixels[j]) changedInside++;
      }
      expect(changedInside).toBeGreaterThan(0);
    });
  });

  it('changes nothing when the mask is empty, and everything in the brain when it is full', async () => {
    const none = await run({ ...noise, mapMethod: 'stitch', maskThreshold: 1e9 });
    none.results.forEach((r, i) => expect(r.reconstruction).toEqual(slices[i].pixels));
    expect(Math.max(...none.results[0].sliceMap)).toBe(0);
    const all = await run({ ...noise, mapMethod: 'stitch', maskThreshold: 0, maskDilation: 0 });
    all.results.forEach((r, i) => {
      for (let j = 0; j < r.brainMask.length; j++)
        if (!r.brainMask[j]) expect(r.reconstruction[j]).toBe(slices[i].pixels[j]);
    });
    expect(all.results[0].reconstruction).not.toEqual(slices[0].pixels);
  });

  it('leaves no tensor behind, guided', async () => {
    const settings = { ...noise, mapMethod: 'stitch' as const, guidanceScale: 5 };
    await run(settings);
    const before = tf.memory().numTensors;
    await run(settings);
    await run({ ...settings, noiseDraws: 2 });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('patch-wise re-synthesis (pDDPM-style)', () => {
  it('with one patch the size of the slice is the noise-encoded reconstruction', async () => {
    // The patch pass of index 0 draws its noise from seed * 1000; with nothing outside the
    // patch, re-synthesis is decoding q_sample(x_0, L) as the 'reconstruction' method does.
    const whole = await run({ ...noise, mapMethod: 'patches', patchSize: 32 });
    const plain = await run({ ...noise, seed: 4000 });
    whole.results.forEach((r, i) => {
      const expected = plain.results[i].reconstruction;
      r.reconstruction.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 5));
    });
  });

  it('re-synthesises every patch that holds brain, from its context, and keeps the others', async () => {
    const patched = await run({ ...noise, mapMethod: 'patches', patchSize: 8 });
    const again = await run({ ...noise, mapMethod: 'patches', patchSize: 8 });
    expect(again.results[0].reconstruction).toEqual(patched.results[0].reconstruction);
    const brains = patched.results.map((r) => r.brainMask);
    for (let y = 0; y < 32; y += 8)
      for (let x = 0; x < 32; x += 8) {
        const inPatch = (j: number) => {
          const [row, col] = [Math.floor(j / 32), j % 32];
          return row >= y && row < y + 8 && col >= x && col < x + 8;
        };
        const anyBrain = brains.some((b) => b.some((v, j) => v && inPatch(j)));
        patched.results.forEach((r, i) => {
          const changed = r.reconstruction.some((v, j) => inPatch(j) && v !== slices[i].pixels[j]);
          expect(changed).toBe(anyBrain);
        });
      }
  });

  it('keeps a denoising chain of the patch that holds most of the brain', async () => {
    const settings = { ...noise, mapMethod: 'patches' as const, patchSize: 16, noiseLevel: 20 };
    const { chain } = await reconstruct(models, slices, {
      settings,
      parallel: false,
      captureFrames: 3,
    });
    expect(chain.length).toBeGreaterThan(0);
    for (const frame of chain) {
      expect(frame.t).toBeLessThanOrEqual(20);
      expect(frame.x).toHaveLength(slices.length);
    }
    const none = await reconstruct(models, slices, { settings, parallel: false });
    expect(none.chain).toEqual([]);
  });

  it('is refused with the deterministic encoding and with a patch side below 1', async () => {
    await expect(run({ encoding: 'ddim', mapMethod: 'patches' })).rejects.toThrow(
      /'patches' map method needs the stochastic \(noise\) encoding/,
    );
    await expect(run({ ...noise, mapMethod: 'patches', patchSize: 0 })).rejects.toThrow(
      /patchSize must be a positive integer/,
    );
  });

  it('leaves no tensor behind, guided', async () => {
    const settings = { ...noise, mapMethod: 'patches' as const, patchSize: 16, guidanceScale: 5 };
    await run(settings);
    const before = tf.memory().numTensors;
    await run(settings);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the classifier image score', () => {
  it("is p(pathological | x_0, t = 0), while the map stays the map method's", async () => {
    const byMap = await run({ ...noise });
    const byClassifier = await run({ ...noise, imageScore: 'classifier' });
    const p = pathologicalProbability(models.classifier!, slices, 0);
    byClassifier.results.forEach((r, i) => {
      expect(r.score).toBeCloseTo(p[i], 6);
      // Carried beside the score, so a job storing p need not run the classifier again.
      expect(r.classifierProbability).toBe(r.score);
      expect(r.sliceMap).toEqual(byMap.results[i].sliceMap);
    });
    expect(byClassifier.results[0].score).not.toBe(byMap.results[0].score);
    // A map score carries no probability: the job computes it itself.
    for (const r of byMap.results) expect(r.classifierProbability).toBeUndefined();
  });
});

describe('progress of a map method', () => {
  it.each([
    ['three draws', { ...noise, noiseDraws: 3 }],
    [
      'two draws, then stitch and re-sample',
      { ...noise, noiseDraws: 2, mapMethod: 'stitch' as const },
    ],
    [
      'two draws of patches, those without brain counted as done',
      { ...noise, noiseDraws: 2, mapMethod: 'patches' as const, patchSize: 8 },
    ],
  ])('%s: counts every pass, ending exactly at its total', async (_, settings) => {
    const seen: { done: number; total: number }[] = [];
    await reconstruct(
      models,
      slices,
      { settings, parallel: false, batchSize: 2 },
      { onProgress: (p) => seen.push({ done: p.done, total: p.total }) },
    );
    const totals = new Set(seen.map((p) => p.total));
    expect(totals.size).toBe(1);
    expect(seen.at(-1)!.done).toBe(seen.at(-1)!.total);
    for (let i = 1; i < seen.length; i++)
      expect(seen[i].done).toBeGreaterThanOrEqual(seen[i - 1].done);
  });
});
