import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  estimateBrainMask,
  gaussianSmooth,
  maskMap,
  residualMap,
} from '../../../src-main/engine/anomaly/index.ts';
import { normaliseMap } from '../../../src-main/engine/anomaly/healthyResidual.ts';
import { calibrateHealthyResidual } from '../../../src-main/engine/calibrateHealthyResidual.ts';
import {
  HEALTHY_RESIDUAL_FILE,
  writeHealthyResidual,
} from '../../../src-main/engine/healthyResidualFile.ts';
import { mapMethodSteps } from '../../../src-main/engine/mapMethods.ts';
import {
  disposeModels,
  loadModels,
  reconstruct,
  type LoadedModels,
} from '../../../src-main/engine/pipeline.ts';
import type { ReconstructionSettings, Slice } from '../../../src-main/engine/types.ts';
import { writeSyntheticBrainDataset } from '../../fixtures/syntheticBrainDataset.ts';
import { tinyPreset } from '../../fixtures/tinyModels.ts';
import { useTinyPipeline } from './tinyPipeline.ts';

let models: LoadedModels;
let slices: Slice[];
let root: string;
useTinyPipeline('anomap-map-ensemble-', 3, 5, (tiny) => ({ models, slices, root } = tiny));

const noise: Partial<ReconstructionSettings> = { encoding: 'noise', seed: 4, guidanceScale: 0 };
const run = (m: LoadedModels, settings: Partial<ReconstructionSettings>) =>
  reconstruct(m, slices, { settings, parallel: false });

describe('an ensemble over noise levels', () => {
  it('averages the residuals of every level (seeds seed at L, seed + 1000 at the next)', async () => {
    const ensemble = await run(models, { ...noise, noiseLevel: 20, noiseLevels: [10, 20] });
    const [atL, atOther] = await Promise.all([
      run(models, { ...noise, noiseLevel: 20 }),
      run(models, { ...noise, noiseLevel: 10, seed: 1004 }),
    ]);
    slices.forEach((slice, i) => {
      const residual = new Float32Array(32 * 32);
      for (const single of [atL, atOther]) {
        const r = residualMap(slice.pixels, single.results[i].reconstruction, 32);
        r.forEach((v, j) => (residual[j] += v / 2));
      }
      const expected = maskMap(
        gaussianSmooth(residual, 32, tinyPreset.smoothingSigma),
        estimateBrainMask(slice.pixels, 32),
      );
      ensemble.results[i].sliceMap.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 5));
    });
    // Its progress counts the steps of both levels.
    const settings = { ...models.preset, ...noise, noiseLevel: 20 } as ReconstructionSettings;
    expect(mapMethodSteps({ ...settings, noiseLevels: [10, 20] }, 1000)).toBe(
      mapMethodSteps(settings, 1000) + mapMethodSteps({ ...settings, noiseLevel: 10 }, 1000),
    );
  });

  it('must hold the noise level and needs the stochastic encoding', async () => {
    await expect(run(models, { ...noise, noiseLevel: 20, noiseLevels: [10, 30] })).rejects.toThrow(
      /must include the noise level 20/,
    );
    await expect(
      run(models, { encoding: 'ddim', noiseLevel: 20, noiseLevels: [10, 20] }),
    ).rejects.toThrow(/needs the stochastic \(noise\) encoding/);
  });
});

describe('maps against the healthy residual', () => {
  it("are the raw map normalised by the models' healthy-residual.json, made for the same settings", async () => {
    // 12 healthy train images, one of them held out for the classifier: 11 make the residual.
    const dataset = await writeSyntheticBrainDataset(join(root, 'healthy-data'));
    const settings = { ...noise, noiseLevel: 20 };
    const residual = await calibrateHealthyResidual(models, {
      manifestPath: dataset.manifestPath,
      source: 'all',
      overrides: settings,
    });
    expect(residual.images).toBe(11);
    await writeHealthyResidual(join(models.dir, HEALTHY_RESIDUAL_FILE), residual);
    const withResidual = await loadModels(models.dir);
    try {
      expect(withResidual.healthyResidual!.mean).toEqual(
        Float32Array.from(residual.mean, (v) => Number(v.toPrecision(6))),
      );
      const raw = await run(withResidual, settings);
      for (const how of ['healthy-mean', 'healthy-ratio', 'healthy-z'] as const) {
        const normalised = await run(withResidual, { ...settings, mapNormalisation: how });
        raw.results.forEach((r, i) => {
          const expected = normaliseMap(
            r.sliceMap,
            r.brainMask,
            withResidual.healthyResidual!,
            how,
          );
          expect(normalised.results[i].sliceMap).toEqual(expected);
        });
      }
      // Maps made another way are not normalised by it: the error names what differs.
      await expect(
        run(withResidual, { ...settings, noiseLevel: 10, mapNormalisation: 'healthy-mean' }),
      ).rejects.toThrow(/made for other map settings \(noiseLevel 20, here 10\)/);
      await expect(run(models, { ...settings, mapNormalisation: 'healthy-mean' })).rejects.toThrow(
        /needs the models' healthy-residual\.json/,
      );
    } finally {
      disposeModels(withResidual);
    }
  });
});
