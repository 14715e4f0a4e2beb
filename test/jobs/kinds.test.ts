import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { JobSpecSchema } from '../../src-main/contract/index.ts';
import { JobRunner, forkEngine } from '../../src-main/jobs/index.ts';
import { Library } from '../../src-main/library/index.ts';
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
    expect(ended.result).toMatchObject({
      imported: 1,
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

  it('fails a reconstruction without models with the reason, leaving the library sound', async () => {
    const job = runner.start(JobSpecSchema.parse({ kind: 'reconstruct', studyIds: [1] }));
    const ended = await jobEnd(runner, job.id);
    expect(ended.status).toBe('failed');
    expect(ended.error).toMatch(/no-models/);
    const library = Library.open(join(dir, 'library'));
    try {
      expect(library.integrityCheck()).toBe('ok');
      expect(library.listRuns()).toEqual([]);
    } finally {
      library.close();
    }
  });
});
