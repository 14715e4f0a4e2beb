import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  ImportSummarySchema,
  JobSpecSchema,
  ReconstructResultSchema,
} from '../../src-main/contract/index.ts';
import { JobRunner, forkEngine } from '../../src-main/jobs/index.ts';
import { Library } from '../../src-main/library/index.ts';
import {
  disposeModels,
  initBackend,
  loadModels,
  preprocessSlice,
} from '../../src-main/engine/index.ts';
import { pathologicalProbability } from '../../src-main/engine/predictors.ts';
import { writeTinyModels } from '../fixtures/tinyModels.ts';
import { jobEnd, nextEvent } from './helpers.ts';

let dir: string;
let runner: JobRunner;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'anomap-kinds-'));
  runner = new JobRunner({
    spawnEngine: forkEngine(),
    context: {
      libraryDir: join(dir, 'library'),
      modelsDir: join(dir, 'no-models'),
      checkpointsDir: join(dir, 'ckpt'),
    },
  });
});
afterAll(async () => {
  await runner.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('job kinds in the engine process', () => {
  it('imports a folder into the library, naming the file it could not read, and says the library changed', async () => {
    const folder = join(dir, 'scans');
    mkdirSync(folder);
    const gradient = Buffer.from(Array.from({ length: 32 * 32 }, (_, i) => i % 256));
    await sharp(gradient, { raw: { width: 32, height: 32, channels: 1 } })
      .png()
      .toFile(join(folder, 'slice.png'));
    writeFileSync(join(folder, 'broken.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const changed = nextEvent(runner, 'library.changed');
    const job = runner.start(JobSpecSchema.parse({ kind: 'import', paths: [folder] }));
    const ended = await jobEnd(runner, job.id);
    expect(ended.status, ended.error ?? '').toBe('finished');
    expect(ImportSummarySchema.parse(ended.result)).toMatchObject({
      imported: 1,
      studies: 1,
      failed: [{ path: join(folder, 'broken.png') }],
    });
    expect(await changed).toMatchObject({ reason: 'import' });
    const library = Library.open(join(dir, 'library'));
    try {
      expect(library.listStudies({ offset: 0, limit: 10 }).total).toBe(1);
    } finally {
      library.close();
    }
  });

  it('reconstructs the imported study with tiny models: a guided and an unguided run with their results', async () => {
    await initBackend();
    const modelsDir = join(dir, 'models');
    // An image operating point calibrated for the preset's own settings (the guided run's).
    await writeTinyModels(modelsDir, { preset: { imageScoreThreshold: 0.42 } });
    const withModels = new JobRunner({
      spawnEngine: forkEngine(),
      context: { libraryDir: join(dir, 'library'), modelsDir, checkpointsDir: join(dir, 'ckpt') },
    });
    try {
      const progress: number[] = [];
      withModels.on('job.progress', (event) => progress.push(event.done));
      const job = withModels.start(
        JobSpecSchema.parse({
          kind: 'reconstruct',
          studyIds: [1],
          withUnguided: true,
          keepChain: true,
        }),
      );
      const ended = await jobEnd(withModels, job.id);
      expect(ended.status, ended.error ?? '').toBe('finished');
      // One image, reconstructed twice (guided and unguided): the job's progress spans both.
      expect(progress.at(-1)).toBe(2);
      const { runId, unguidedRunId } = ReconstructResultSchema.parse(ended.result);
      if (unguidedRunId === null) throw new Error('the unguided run is missing');
      const library = Library.open(join(dir, 'library'));
      try {
        const [guided, unguided] = [library.getRun(runId), library.getRun(unguidedRunId)];
        expect(guided).toMatchObject({
          status: 'done',
          settings: { noiseLevel: 20, stride: 10, guidanceScale: 5, imageSize: 32 },
        });
        expect(unguided.settings).toMatchObject({ guidanceScale: 0, noiseLevel: 20 });
        // The preset's image operating point holds for the preset's settings only: the unguided
        // run (s = 0) stores none, so its results get no verdict.
        expect(guided.settings.imageScoreThreshold).toBe(0.42);
        expect(unguided.settings.imageScoreThreshold).toBeNull();
        expect(library.listResults(runId)[0].imageScoreThreshold).toBe(0.42);
        expect(library.listResults(unguidedRunId)[0].imageScoreThreshold).toBeNull();
        expect(guided.modelIds).toHaveLength(2);
        const [result] = library.listResults(runId);
        expect(result).toMatchObject({ studyId: 1 });
        expect(Number.isFinite(result.score)).toBe(true);
        const map = await library.getResultImage(result.id, 'map');
        expect([map.width, map.height]).toEqual([32, 32]); // back in the image's own geometry
        // The kept chain: noising frames with rising t, then guided denoising with its gradients.
        const phases = new Set(result.chain.map((f) => f.phase));
        expect(phases).toEqual(new Set(['noising', 'denoising', 'gradient']));
        const noising = result.chain.filter((f) => f.phase === 'noising').map((f) => f.t);
        expect(noising).toEqual([...noising].sort((a, b) => a - b));
        expect(result.chain.at(-1)).toMatchObject({
          phase: expect.stringMatching(/denoising|gradient/),
        });
        const shown = await library.store.get(result.chain[0].hash);
        expect(shown).toMatchObject({ width: 32, height: 32, bitDepth: 8 });
        const unguidedChain = library.listResults(unguidedRunId)[0].chain;
        expect(unguidedChain.length).toBeGreaterThan(0);
        expect(unguidedChain.some((f) => f.phase === 'gradient')).toBe(false);
        // The classifier's p(pathological | x_0, t = 0) of the preprocessed input slice.
        const p = result.classifierProbability;
        if (p === null) throw new Error('the result has no classifier probability');
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        const models = await loadModels(modelsDir);
        try {
          const stored = await library.getImagePixels(result.imageId);
          const size = models.diffusion.config.imageSize;
          const slice = preprocessSlice(stored.pixels, stored.width, stored.height, size);
          const [expected] = pathologicalProbability(
            models.classifier!,
            [{ size, pixels: slice.pixels }],
            0,
          );
          expect(p).toBeCloseTo(expected, 4);
        } finally {
          disposeModels(models);
        }
        // The same input, so the same probability in the unguided run; the study carries it.
        expect(library.listResults(unguidedRunId)[0].classifierProbability).toBeCloseTo(p, 6);
        const listed = library.listStudies({ runId, sort: 'uncertainty', offset: 0, limit: 1 });
        expect(listed.studies[0]).toMatchObject({ id: 1 });
        expect(listed.studies[0].classifierProbability).toBeCloseTo(p, 6);
      } finally {
        library.close();
      }
    } finally {
      await withModels.close();
    }
  });

  it('fails a reconstruction without models with the reason, leaving the library sound', async () => {
    const job = runner.start(JobSpecSchema.parse({ kind: 'reconstruct', studyIds: [1] }));
    const ended = await jobEnd(runner, job.id);
    expect(ended.status).toBe('failed');
    expect(ended.error).toMatch(/no-models/);
    const library = Library.open(join(dir, 'library'));
    try {
      expect(library.integrityCheck()).toBe('ok');
      expect(library.listRuns().every((run) => run.status === 'done')).toBe(true);
    } finally {
      library.close();
    }
  });
});
