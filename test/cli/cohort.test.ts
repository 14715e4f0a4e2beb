/**
 * The cohort commands as a user types them: `anomap reconstruct --manifest ... --shard I/N`
 * with limited threads, and `anomap import-results` reporting the shards that never ran.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortWorkspace, type CohortWorkspace } from '../fixtures/cohortWorkspace.ts';
import { checkReconstructForm } from '../../src-main/cli/commands/reconstructCohort.ts';
import { anomap } from './anomapProcess.ts';

let workspace: CohortWorkspace;

beforeAll(async () => {
  workspace = await cohortWorkspace('anomap-cli-cohort-');
});

afterAll(async () => {
  if (workspace) await rm(workspace.root, { recursive: true, force: true });
});

describe('anomap reconstruct --shard and import-results', () => {
  it('maps one shard with the threads asked for; the merge names the shards still missing and exits 2', async () => {
    const out = join(workspace.root, 'out');
    const shard = await anomap(
      'reconstruct',
      '--manifest',
      workspace.manifest,
      '--split',
      'test',
      '--shard',
      '1/4',
      '--threads',
      '1',
      '--out',
      out,
      '--models',
      workspace.models,
    );
    expect(shard.stderr).toMatch(/backend: \w+, 1 thread/);
    expect(shard.code).toBe(0);
    expect(shard.stdout).toMatch(/shard 1\/4 of run \w+: 3 slices, 3 computed, 0 complete already/);

    const merge = await anomap('import-results', '--library', join(workspace.root, 'lib'), out);
    expect(merge.code).toBe(2);
    expect(merge.stdout).toMatch(/NOT imported/);
    for (const missing of ['0/4: 3 of 3', '2/4: 2 of 2', '3/4: 2 of 2'])
      expect(merge.stdout).toContain(`shard ${missing} slices missing`);
    expect(merge.stdout).not.toContain('shard 1/4');
  });

  it('refuses image files and a cohort together, and a shard of image files', () => {
    // The check the command makes before any work (checked here in-process: no engine starts).
    expect(() => checkReconstructForm(['a.png'], { manifest: 'm.csv' })).toThrow(/not both/);
    expect(() => checkReconstructForm(['a.png'], { shard: '0/2' })).toThrow(
      /--shard is for a cohort/,
    );
    expect(() => checkReconstructForm([], { studies: [1], manifest: 'm.csv' })).toThrow(
      /--studies needs --library/,
    );
    expect(() => checkReconstructForm([], {})).toThrow(/give image files, or a cohort/);
    expect(() => checkReconstructForm([], { library: 'lib', studies: [1, 2] })).not.toThrow();
  });
});
