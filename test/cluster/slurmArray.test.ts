/**
 * A cohort on a real one-node SLURM cluster (Debian's slurm-wlm, started by .ci/run from
 * .ci/slurm-onenode.sh): the job-array template maps 10 slices in 4 tasks as one process maps
 * them, import-results stores them once, a task killed mid-way and resubmitted maps only what
 * it lacked, and a failing task fails its job. Where no cluster answers, these tests fail: they
 * never skip.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readRunFile,
  resultPaths,
  type CohortResult,
  type ShardStatus,
} from '../../src-main/jobs/cohort/cohortFiles.ts';
import { shardItems } from '../../src-main/jobs/cohort/shards.ts';
import { Library } from '../../src-main/library/index.ts';
import { anomap, repo } from '../cli/anomapProcess.ts';
import {
  COHORT_SLICES,
  cohortWorkspace,
  type CohortWorkspace,
} from '../fixtures/cohortWorkspace.ts';

const template = join(repo, 'resources/cluster/slurm/reconstruct-array.sbatch');
let workspace: CohortWorkspace;

interface Exec {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Exec> {
  return new Promise((done) =>
    execFile(
      command,
      args,
      {
        cwd: repo,
        timeout: 540_000,
        // The tasks run `anomap` as this checkout's bin/anomap.js, with this Node.
        env: {
          ...process.env,
          ANOMAP: `${process.execPath} ${join(repo, 'bin/anomap.js')}`,
          ...env,
        },
      },
      (error, stdout, stderr) =>
        done({
          code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          stdout,
          stderr,
        }),
    ),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `what` every 100 ms until it returns something, for at most `seconds`. */
async function until<T>(
  what: () => Promise<T | undefined>,
  seconds: number,
  why: string,
): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const value = await what();
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`timed out after ${seconds} s waiting for ${why}`);
}

async function jobGone(jobId: string): Promise<true | undefined> {
  const queue = await run('squeue', ['-h', '-j', jobId]);
  return queue.code === 0 && queue.stdout.trim() === '' ? true : undefined;
}

async function scores(out: string): Promise<Map<string, number>> {
  const runFile = await readRunFile(out);
  const map = new Map<string, number>();
  for (const key of runFile.items) {
    const json = JSON.parse(await readFile(resultPaths(out, key).json, 'utf8')) as CohortResult;
    map.set(key, json.score);
  }
  return map;
}

async function shardStatus(out: string, shard: string): Promise<ShardStatus | undefined> {
  try {
    return JSON.parse(await readFile(join(out, 'shards', `${shard}.json`), 'utf8')) as ShardStatus;
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  const info = await run('sinfo', ['-h', '-o', '%t']);
  if (info.code !== 0 || !/idle|mix|alloc/.test(info.stdout))
    throw new Error(
      `no SLURM cluster answers (sinfo: ${info.stdout.trim() || info.stderr.trim()}); ` +
        '.ci/run starts one with .ci/slurm-onenode.sh up PIDFILE',
    );
  workspace = await cohortWorkspace('anomap-slurm-');
  const library = join(workspace.root, 'library');
  const imported = await anomap('import', '--library', library, workspace.manifest);
  expect(imported.code, imported.stderr).toBe(0);
});

afterAll(async () => {
  if (workspace) await rm(workspace.root, { recursive: true, force: true });
});

describe('a cohort as a SLURM job array', () => {
  it('sbatch --wait --array=0-3 maps the 10 slices as one process does; import-results stores them once', async () => {
    const single = join(workspace.root, 'single');
    const whole = await anomap(
      'reconstruct',
      '--manifest',
      workspace.manifest,
      '--split',
      'test',
      '--out',
      single,
      '--models',
      workspace.models,
    );
    expect(whole.code, whole.stderr).toBe(0);

    const out = join(workspace.root, 'array');
    const started = performance.now();
    const job = await run('sbatch', [
      '--wait',
      '--array=0-3',
      '--cpus-per-task=1',
      '-o',
      join(workspace.root, 'array-%A_%a.log'),
      template,
      workspace.manifest,
      out,
      '--split',
      'test',
      '--models',
      workspace.models,
    ]);
    expect(job.code, job.stdout + job.stderr).toBe(0);
    const seconds = (performance.now() - started) / 1000;

    const expected = await scores(single);
    const got = await scores(out);
    expect(expected.size).toBe(COHORT_SLICES);
    expect([...got.keys()]).toEqual([...expected.keys()]);
    for (const [key, score] of expected) expect(Math.abs(got.get(key)! - score)).toBeLessThan(1e-5);
    const statuses = await Promise.all([0, 1, 2, 3].map((i) => shardStatus(out, `${i}-of-4`)));
    expect(statuses.map((s) => [s?.status, s?.items, s?.threads])).toEqual([
      ['complete', 3, 1],
      ['complete', 3, 1],
      ['complete', 2, 1],
      ['complete', 2, 1],
    ]);
    process.stderr.write(
      `4-task array: ${seconds.toFixed(1)} s; per task ${statuses.map((s) => s!.secondsPerSlice!.toFixed(2)).join(', ')} s per slice\n`,
    );

    const library = join(workspace.root, 'library');
    const first = await anomap('import-results', '--library', library, out);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/10 results stored as library run \d+/);
    const second = await anomap('import-results', '--library', library, out);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/already in the library/);
    const opened = Library.open(library);
    try {
      const runs = opened.listRuns();
      expect(runs).toHaveLength(1);
      expect(opened.listResults(runs[0].id)).toHaveLength(COHORT_SLICES);
    } finally {
      opened.close();
    }
  });

  it('a task killed mid-way and resubmitted alone maps only the slices it lacked', async () => {
    const out = join(workspace.root, 'killed');
    // Slow enough (one slice per batch, 40 steps) that the task is killed between slices.
    const slow = ['--noise-level', '100', '--stride', '5', '--batch', '1'];
    const common = ['--cpus-per-task=1', '-o', join(workspace.root, 'killed-%A_%a.log'), template];
    const args = [
      workspace.manifest,
      out,
      '--split',
      'test',
      '--models',
      workspace.models,
      ...slow,
    ];
    const submitted = await run('sbatch', ['--parsable', '--array=0-3', ...common, ...args]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const jobId = submitted.stdout.trim().split(';')[0];

    // Task 1 has written its first result: kill it outright (no chance to clean up).
    await until(
      async () => ((await shardStatus(out, '1-of-4'))?.computed ?? 0) >= 1 || undefined,
      300,
      'task 1 to write its first result',
    );
    const killed = await run('scancel', ['--signal=KILL', `${jobId}_1`]);
    expect(killed.code, killed.stderr).toBe(0);
    await until(() => jobGone(jobId), 300, `job ${jobId} to leave the queue`);

    const runFile = await readRunFile(out);
    const mine = shardItems(
      runFile.items.map((key) => ({ key })),
      { index: 1, count: 4 },
    );
    const complete = mine.filter((item) => existsSync(resultPaths(out, item.key).json));
    expect(complete.length).toBeGreaterThanOrEqual(1);
    expect(complete.length).toBeLessThan(mine.length);
    const before = await Promise.all(complete.map((item) => stat(resultPaths(out, item.key).json)));

    const library = join(workspace.root, 'library');
    const partial = await anomap('import-results', '--library', library, out);
    expect(partial.code).toBe(2);
    expect(partial.stdout).toContain(
      `shard 1/4: ${mine.length - complete.length} of ${mine.length} slices missing`,
    );

    const resubmitted = await run('sbatch', ['--wait', '--array=1', ...common, ...args], {
      ANOMAP_SHARD_COUNT: '4',
    });
    expect(resubmitted.code, resubmitted.stdout + resubmitted.stderr).toBe(0);
    expect(await shardStatus(out, '1-of-4')).toMatchObject({
      status: 'complete',
      items: mine.length,
      skipped: complete.length,
      computed: mine.length - complete.length,
    });
    const after = await Promise.all(complete.map((item) => stat(resultPaths(out, item.key).json)));
    expect(after.map((s) => s.mtimeMs)).toEqual(before.map((s) => s.mtimeMs));

    const merged = await anomap('import-results', '--library', library, out);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(/10 results stored as library run \d+/);
  });

  it('a task that fails exits non-zero, and so does its job', async () => {
    const job = await run('sbatch', [
      '--wait',
      '--array=0-1',
      '--cpus-per-task=1',
      '-o',
      join(workspace.root, 'failing-%A_%a.log'),
      template,
      join(workspace.root, 'no-such-manifest.csv'),
      join(workspace.root, 'failing'),
      '--models',
      workspace.models,
    ]);
    expect(job.code).not.toBe(0);
    const log = await readFile(
      join(workspace.root, `failing-${job.stdout.match(/\d+/)?.[0]}_0.log`),
      'utf8',
    ).catch(() => '');
    expect(log).toMatch(/no-such-manifest|ENOENT/);
  });
});
