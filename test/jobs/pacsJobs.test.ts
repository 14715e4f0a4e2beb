/**
 * PACS jobs in the runner: the credentials travel beside the spec to the engine process and
 * never into the job list on disk; a PACS job without them (queued before a restart) fails
 * with a word to start it again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PacsPullJobSpecSchema } from '../../src-main/contract/index.ts';
import { JobRunner, forkEngine } from '../../src-main/jobs/index.ts';
import { tempDir } from '../library/fixtures/rasters.ts';
import { FakeEngine, jobEnd } from './helpers.ts';

const spec = PacsPullJobSpecSchema.parse({
  kind: 'pacs-pull',
  endpointId: 'e1',
  endpointName: 'Orthanc',
  studyUids: ['1.2.3'],
});
const connection = {
  url: 'http://127.0.0.1:1/dicom-web',
  auth: { kind: 'basic' as const, user: 'reader', password: 'pw-in-memory-only' },
};

let runner: JobRunner | null = null;
afterEach(async () => {
  await runner?.close();
  runner = null;
});

describe('PACS jobs in the runner', () => {
  it('hands the connection to the engine process in the run message, never to the job list', async () => {
    const dir = tempDir('anomap-pacs-jobs-');
    const stateFile = join(dir, 'jobs.json');
    const engine = new FakeEngine();
    runner = new JobRunner({
      spawnEngine: () => engine,
      context: { libraryDir: dir, modelsDir: dir, checkpointsDir: dir },
      stateFile,
    });
    const job = runner.start(spec, 'high', connection);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(engine.sent[0]).toMatchObject({ type: 'run', jobId: job.id, spec, connection });
    expect(readFileSync(stateFile, 'utf8')).toContain('pacs-pull');
    expect(readFileSync(stateFile, 'utf8')).not.toContain('pw-in-memory-only');
  });

  it('fails a PACS job that has no connection, saying to start it again', async () => {
    const dir = tempDir('anomap-pacs-jobs-');
    runner = new JobRunner({
      spawnEngine: forkEngine(),
      context: { libraryDir: join(dir, 'library'), modelsDir: dir, checkpointsDir: dir },
    });
    const job = runner.start(spec, 'high');
    const ended = await jobEnd(runner, job.id);
    expect(ended.status).toBe('failed');
    expect(ended.error).toContain(
      'the connection to Orthanc is kept for one session only and this job has none',
    );
  });
});
