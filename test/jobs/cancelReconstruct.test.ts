import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { JobSpecSchema } from '../../src-main/contract/index.ts';
import { JobRunner, forkEngine } from '../../src-main/jobs/index.ts';
import { Library } from '../../src-main/library/index.ts';
import { importedTinyWorkspace } from '../fixtures/tinyWorkspace.ts';
import { descendants, survivors, type ProcessInfo } from '../fixtures/processes.ts';
import { jobEnd } from './helpers.ts';

// On wasm the job guides from a second process: the cancel must stop it too.
process.env.ANOMAP_BACKEND = 'wasm';

let root: string;
let runner: JobRunner;
let studyIds: number[];

beforeAll(async () => {
  ({ root, studyIds } = await importedTinyWorkspace('anomap-cancel-'));
  runner = new JobRunner({
    spawnEngine: forkEngine(),
    context: {
      libraryDir: join(root, 'library'),
      modelsDir: join(root, 'models'),
      checkpointsDir: join(root, 'checkpoints'),
    },
  });
});
afterAll(async () => {
  await runner.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a reconstruction cancelled mid-run', () => {
  it('after its first batch was saved, ends cancelled and leaves no run, no result and no process behind', async () => {
    expect(studyIds.length).toBeGreaterThan(16); // more than two batches: the cancel lands mid-run
    const job = runner.start(JobSpecSchema.parse({ kind: 'reconstruct', studyIds }));
    let savedBeforeCancel = 0;
    let processes: ProcessInfo[] = [];
    // The first batch's results are in the library when the job says so: cancel then.
    const off = runner.on('library.changed', (event) => {
      if (event.reason !== 'results') return;
      off();
      const library = Library.open(join(root, 'library'));
      try {
        savedBeforeCancel = library.listResults(library.listRuns()[0].id).length;
      } finally {
        library.close();
      }
      processes = descendants(process.pid); // the engine process and its guidance process
      runner.cancel(job.id);
    });
    const ended = await jobEnd(runner, job.id);
    expect(ended.status, ended.error ?? '').toBe('cancelled');
    expect(ended.error).toBeNull();
    expect(savedBeforeCancel).toBeGreaterThanOrEqual(8);
    expect(processes.some((p) => p.args.includes('guidanceWorker'))).toBe(true);
    expect(await survivors(processes)).toEqual([]);
    const library = Library.open(join(root, 'library'));
    try {
      expect(library.listRuns()).toEqual([]);
      expect(library.integrityCheck()).toBe('ok');
      const discarded = library
        .auditLog({ entity: 'run' })
        .filter((e) => e.action === 'discard-run');
      expect(discarded).toHaveLength(1);
    } finally {
      library.close();
    }
  });
});
