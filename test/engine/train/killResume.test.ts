import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend.ts';
import { trainDiffusion } from '../../../src-main/engine/train/index.ts';
import {
  writeSyntheticBrainDataset,
  type SyntheticDataset,
} from '../../fixtures/syntheticBrainDataset.ts';
import { tinyConfig } from '../../fixtures/tinyModels.ts';

const repo = resolve(import.meta.dirname, '../../..');
let root: string;
let dataset: SyntheticDataset;

beforeAll(async () => {
  await initBackend();
  root = await mkdtemp(join(tmpdir(), 'anomap-kill-'));
  dataset = await writeSyntheticBrainDataset(join(root, 'data'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const STEPS = 8;

/** `anomap train diffusion` on the tiny architecture, as a child process. */
function trainCli(out: string) {
  return spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repo, 'src-main/cli/main.ts'),
      'train',
      'diffusion',
      ...['--manifest', dataset.manifestPath, '--out', out, '--steps', String(STEPS)],
      ...['--batch', '2', '--size', '32', '--channels', '8,16', '--attention', '0,1'],
      ...['--checkpoint-every', '1', '--seed', '1'],
    ],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

async function loggedSteps(workDir: string): Promise<number> {
  const log = join(workDir, 'log.jsonl');
  if (!existsSync(log)) return 0;
  return (await readFile(log, 'utf8')).split('\n').filter(Boolean).length;
}

describe('a training run killed with SIGKILL', () => {
  it('resumes from its last whole checkpoint to the same weights as an uninterrupted run', async () => {
    const out = join(root, 'killed');
    const child = trainCli(out);
    child.stdout.resume();
    child.stderr.resume();
    const exited = new Promise<NodeJS.Signals | null>((done) =>
      child.on('exit', (_, signal) => done(signal)),
    );
    // Kill it somewhere after its second step, wherever it is (maybe mid-checkpoint).
    while ((await loggedSteps(`${out}.work`)) < 2 && child.exitCode === null)
      await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);

    const resumed = trainCli(out);
    let [stdout, stderr] = ['', ''];
    resumed.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    resumed.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => resumed.on('exit', (c) => done(c)));
    expect(stderr).not.toMatch(/anomap: /);
    expect(code).toBe(0);
    const from = Number(/resumed from (\d+)/.exec(stdout)?.[1]);
    expect(from).toBeGreaterThanOrEqual(1);
    expect(from).toBeLessThan(STEPS);

    const whole = await trainDiffusion({
      manifestPath: dataset.manifestPath,
      outDir: join(root, 'whole'),
      workDir: join(root, 'whole.work'),
      config: tinyConfig,
      steps: STEPS,
      batchSize: 2,
      checkpointEvery: 1,
      seed: 1,
    });
    whole.model.params.dispose();
    const [a, b] = await Promise.all([
      readFile(join(out, 'weights.bin')),
      readFile(join(root, 'whole', 'weights.bin')),
    ]);
    expect(a.equals(b)).toBe(true);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.training.steps).toBe(STEPS);
  });
});
