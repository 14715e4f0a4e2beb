/** The tiny models and a few slices of the synthetic test split, for the pipeline's tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../../src-main/engine/backend.ts';
import { disposeModels, loadModels, type LoadedModels } from '../../../src-main/engine/pipeline.ts';
import { prepareCases, readDatasetManifest } from '../../../src-main/engine/train/dataset.ts';
import type { Slice } from '../../../src-main/engine/types.ts';
import { writeSyntheticBrainDataset } from '../../fixtures/syntheticBrainDataset.ts';
import { writeTinyModels } from '../../fixtures/tinyModels.ts';

export interface TinyPipeline {
  root: string;
  models: LoadedModels;
  slices: Slice[];
}

/** Writes the tiny models and the dataset under a new temporary folder; slices [from, to). */
export async function tinyPipeline(
  prefix: string,
  from: number,
  to: number,
): Promise<TinyPipeline> {
  await initBackend();
  const root = await mkdtemp(join(tmpdir(), prefix));
  await writeTinyModels(join(root, 'models'));
  const models = await loadModels(join(root, 'models'));
  const dataset = await writeSyntheticBrainDataset(join(root, 'data'));
  const cases = (await readDatasetManifest(dataset.manifestPath)).filter((c) => c.split === 'test');
  const prepared = await prepareCases(cases.slice(from, to), 32);
  return { root, models, slices: prepared.map((c) => ({ size: 32, pixels: c.pixels })) };
}

/** Sets the pipeline up before the file's tests (handing it to `use`) and removes it after. */
export function useTinyPipeline(
  prefix: string,
  from: number,
  to: number,
  use: (pipeline: TinyPipeline) => void,
): void {
  let pipeline: TinyPipeline | undefined;
  beforeAll(async () => {
    pipeline = await tinyPipeline(prefix, from, to);
    use(pipeline);
  });
  afterAll(async () => {
    if (!pipeline) return;
    disposeModels(pipeline.models);
    await rm(pipeline.root, { recursive: true, force: true });
  });
}
