/**
 * The app's reconstruct job, run in this process with the engine's process starts counted: the
 * whole job (several batches of 8, a guided and an unguided run) starts one guidance process and
 * loads its classifier once, and its progress and ETA span the whole job.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { JobSpecSchema, type Progress } from '../../src-main/contract/index.ts';
import { forkEngineProcess } from '../../src-main/engine/engineProcess.ts';
import { loadModel } from '../../src-main/engine/models.ts';
import { runReconstruct } from '../../src-main/jobs/kinds/reconstruct.ts';
import { importedTinyWorkspace } from '../fixtures/tinyWorkspace.ts';

// Guidance runs in a second process on single-threaded backends; the native backend guides in
// this one. This file counts the processes, so it runs on wasm.
process.env.ANOMAP_BACKEND = 'wasm';

vi.mock('../../src-main/engine/engineProcess.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src-main/engine/engineProcess.ts')>();
  return { ...real, forkEngineProcess: vi.fn(real.forkEngineProcess) };
});
vi.mock('../../src-main/engine/models.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src-main/engine/models.ts')>();
  return { ...real, loadModel: vi.fn(real.loadModel) };
});

let root: string;
let studyIds: number[];

beforeAll(async () => {
  ({ root, studyIds } = await importedTinyWorkspace('anomap-reconstruct-job-'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the reconstruct job', () => {
  it('starts one guidance process and loads the classifier once for all its batches and runs', async () => {
    expect(studyIds.length).toBeGreaterThan(16); // three batches of 8
    const progress: Progress[] = [];
    await runReconstruct({
      jobId: 'job-1',
      spec: JobSpecSchema.parse({ kind: 'reconstruct', studyIds, withUnguided: true }) as never,
      context: {
        libraryDir: join(root, 'library'),
        modelsDir: join(root, 'models'),
        checkpointsDir: join(root, 'checkpoints'),
      },
      control: { signal: new AbortController().signal, onProgress: (p) => progress.push(p) },
      libraryChanged: () => {},
    });
    const forks = vi.mocked(forkEngineProcess).mock.calls.map(([url]) => String(url));
    expect(forks).toHaveLength(1);
    expect(forks[0]).toMatch(/guidanceWorker\.ts$/);
    const classifierLoads = vi
      .mocked(loadModel)
      .mock.calls.filter(([, kind]) => kind === 'classifier');
    expect(classifierLoads).toHaveLength(1);

    // One progress over both runs: done rises to images x 2, and at the end of the guided run
    // the ETA still counts the unguided run still to come.
    const images = studyIds.length;
    expect(new Set(progress.map((p) => p.total))).toEqual(new Set([2 * images]));
    expect(progress.at(-1)).toMatchObject({ done: 2 * images, etaSeconds: 0 });
    const endOfGuided = progress.find((p) => p.done >= images)!;
    expect(endOfGuided.phase).toBe('reconstructing (guided)');
    expect(endOfGuided.etaSeconds).toBeGreaterThan(0);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i].done).toBeGreaterThanOrEqual(progress[i - 1].done);
  });
});
