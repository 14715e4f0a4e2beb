/**
 * The cohort commands as a user types them: `anomap reconstruct --manifest ... --shard I/N`
 * with limited threads, and `anomap import-results` reporting the shards that never ran.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortWorkspace, type CohortWorkspace } from '../fixtures/cohortWorkspace.ts';
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

  it('refuses image files and a cohort together, and a shard of image files', async () => {
    const both = await anomap(
      'reconstruct',
      'a.png',
      '--manifest',
      workspace.manifest,
      '--out',
      'x',
    );
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/not both/);
    const shardOfFiles = await anomap('reconstruct', 'a.png', '--shard', '0/2', '--out', 'x');
    expect(shardOfFiles.code).toBe(1);
    expect(shardOfFiles.stderr).toMatch(/--shard is for a cohort/);
  });
});
