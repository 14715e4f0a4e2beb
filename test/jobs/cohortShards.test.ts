/**
 * Shards of a cohort: deterministic, balanced, covering every slice once; the SLURM array task
 * and the Kubernetes Indexed Job pod of the same index map the same shard, through the very
 * command lines their templates run.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  parseShard,
  shardFromEnvironment,
  shardItems,
  shardOption,
  type Shard,
} from '../../src-main/jobs/cohort/shards.ts';

const repo = join(import.meta.dirname, '../..');
const sbatch = join(repo, 'resources/cluster/slurm/reconstruct-array.sbatch');
const indexedJob = join(repo, 'resources/cluster/kubernetes/reconstruct-indexed-job.yaml');

const items = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: `images/slice_${String(i).padStart(4, '0')}.png` }));

describe('shardItems', () => {
  it('covers every item exactly once, with shard sizes differing by at most one', () => {
    for (const [n, count] of [
      [10, 4],
      [7, 7],
      [3, 5],
      [1000, 16],
    ]) {
      const all = items(n);
      const shards = Array.from({ length: count }, (_, index) => shardItems(all, { index, count }));
      const keys = shards.flat().map((i) => i.key);
      expect(keys.length).toBe(n);
      expect(new Set(keys).size).toBe(n);
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('does not depend on the order the items are listed in', () => {
    const all = items(23);
    const shuffled = [...all].reverse().sort((a, b) => (a.key.length % 3) - (b.key.length % 3));
    for (let index = 0; index < 4; index++)
      expect(shardItems(shuffled, { index, count: 4 })).toEqual(
        shardItems(all, { index, count: 4 }),
      );
  });

  it('refuses an item listed twice', () => {
    expect(() => shardItems([{ key: 'a' }, { key: 'a' }], { index: 0, count: 1 })).toThrow(/twice/);
  });
});

describe('parseShard', () => {
  it('reads I/N and refuses what is not a shard', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 0 / 1 ')).toEqual({ index: 0, count: 1 });
    for (const bad of ['4/4', '1/0', '-1/4', '1', 'a/b', '1/2/3'])
      expect(() => parseShard(bad)).toThrow(/shard/);
  });
});

describe('shardFromEnvironment', () => {
  it('maps a SLURM array task and a Kubernetes pod of the same index to the same shard', () => {
    for (let i = 0; i < 4; i++) {
      const slurm = shardFromEnvironment({
        SLURM_ARRAY_TASK_ID: String(i),
        SLURM_ARRAY_TASK_COUNT: '4',
        SLURM_ARRAY_TASK_MIN: '0',
        SLURM_ARRAY_TASK_MAX: '3',
      });
      const kubernetes = shardFromEnvironment({
        JOB_COMPLETION_INDEX: String(i),
        ANOMAP_SHARD_COUNT: '4',
      });
      expect(slurm).toEqual({ index: i, count: 4 });
      expect(kubernetes).toEqual(slurm);
    }
  });

  it('refuses an array that is not 0-(N-1), unless the number of shards is named', () => {
    const env = {
      SLURM_ARRAY_TASK_ID: '2',
      SLURM_ARRAY_TASK_COUNT: '1',
      SLURM_ARRAY_TASK_MIN: '2',
      SLURM_ARRAY_TASK_MAX: '2',
    };
    expect(() => shardFromEnvironment(env)).toThrow(/ANOMAP_SHARD_COUNT/);
    expect(shardFromEnvironment({ ...env, ANOMAP_SHARD_COUNT: '4' })).toEqual({
      index: 2,
      count: 4,
    });
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '1' })).toThrow(/ANOMAP_SHARD_COUNT/);
    expect(() => shardFromEnvironment({})).toThrow(/SLURM_ARRAY_TASK_ID/);
  });
});

/** The shard and threads a command line of anomap asks for, under this environment. */
function shardOfCommand(args: string[], env: NodeJS.ProcessEnv): { shard: Shard; threads: string } {
  const value = (name: string) => {
    const at = args.indexOf(name);
    expect(at, `${name} in ${args.join(' ')}`).toBeGreaterThanOrEqual(0);
    return args[at + 1];
  };
  expect(args[0]).toBe('reconstruct');
  return { shard: shardOption(value('--shard'), env), threads: value('--threads') };
}

describe('the cluster templates', () => {
  it('the sbatch script runs anomap on shard SLURM_ARRAY_TASK_ID of COUNT with SLURM_CPUS_PER_TASK threads', () => {
    for (let i = 0; i < 4; i++) {
      const env = {
        PATH: process.env.PATH,
        SLURM_ARRAY_TASK_ID: String(i),
        SLURM_ARRAY_TASK_COUNT: '4',
        SLURM_ARRAY_TASK_MIN: '0',
        SLURM_ARRAY_TASK_MAX: '3',
        SLURM_CPUS_PER_TASK: '3',
        // The command it runs, printed instead of run.
        ANOMAP: 'echo',
      };
      const printed = execFileSync('bash', [sbatch, 'm.csv', 'out', '--split', 'test'], {
        env,
        encoding: 'utf8',
      });
      const args = printed.trim().split('\n').at(-1)!.split(' ');
      expect(args.slice(0, 5)).toEqual(['reconstruct', '--manifest', 'm.csv', '--out', 'out']);
      expect(args.slice(-2)).toEqual(['--split', 'test']);
      expect(shardOfCommand(args, env)).toEqual({ shard: { index: i, count: 4 }, threads: '3' });
    }
  });

  it('the sbatch script fails outside a job array, so nothing runs unsharded by mistake', () => {
    expect(() =>
      execFileSync('bash', [sbatch, 'm.csv', 'out'], {
        env: { PATH: process.env.PATH, ANOMAP: 'echo' },
        stdio: 'pipe',
      }),
    ).toThrow();
  });

  it('the Kubernetes Indexed Job parses, and pod I maps the shard SLURM task I maps', () => {
    const job = parse(readFileSync(indexedJob, 'utf8'));
    expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job' });
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const completions: number = job.spec.completions;
    const [container] = job.spec.template.spec.containers;
    const env: Record<string, string> = {};
    for (const entry of container.env as { name: string; value?: string }[])
      if (entry.value !== undefined) env[entry.name] = entry.value;
    // Kubernetes gives a pod its index, not the Job's size: the manifest must say it, and agree.
    expect(Number(env.ANOMAP_SHARD_COUNT)).toBe(completions);
    const threadsFrom = (container.env as { name: string; valueFrom?: unknown }[]).find(
      (e) => e.name === 'ANOMAP_THREADS',
    )?.valueFrom;
    expect(threadsFrom).toMatchObject({ resourceFieldRef: { resource: 'limits.cpu' } });
    for (let i = 0; i < completions; i++) {
      const pod = { ...env, JOB_COMPLETION_INDEX: String(i) };
      const slurm = {
        SLURM_ARRAY_TASK_ID: String(i),
        SLURM_ARRAY_TASK_COUNT: String(completions),
      };
      const { shard, threads } = shardOfCommand(container.args as string[], pod);
      expect(shard).toEqual(shardFromEnvironment(slurm));
      expect(threads).toBe('$(ANOMAP_THREADS)');
    }
  });
});
