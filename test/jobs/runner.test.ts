import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnyJobSpecSchema } from '../../src-main/contract/index.ts';
import type { AnyJobSpecInput } from '../../src-main/contract/index.ts';
import { JobRunner, forkEngine } from '../../src-main/jobs/index.ts';
import type { ToEngine } from '../../src-main/jobs/index.ts';
import type { Progress } from '../../src-main/contract/index.ts';
import { context, jobEnd, nextEvent } from './helpers.ts';

const spec = (input: AnyJobSpecInput) => AnyJobSpecSchema.parse(input);
const runners: JobRunner[] = [];
const dirs: string[] = [];

function forkingRunner(): JobRunner {
  const runner = new JobRunner({
    spawnEngine: forkEngine(),
    context,
    cancelGraceMs: 5_000,
    diagnostics: true,
  });
  runners.push(runner);
  return runner;
}

afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('job runner with a forked engine process', () => {
  it('runs a selftest job in the engine process, reporting progress up to the end', async () => {
    const runner = forkingRunner();
    const progress: Progress[] = [];
    runner.on('job.progress', (event) => progress.push(event));
    const job = runner.start(spec({ kind: 'selftest', steps: 5, stepMs: 1 }));
    const ended = await jobEnd(runner, job.id);
    expect(ended.status).toBe('finished');
    expect(ended.result).toEqual({ counted: 5 });
    expect(progress.at(-1)).toMatchObject({ phase: 'counting', done: 5, total: 5 });
    expect(runner.get(job.id).status).toBe('finished');
  });

  it('fails a job whose engine process crashes, and runs the next job', async () => {
    const runner = forkingRunner();
    const crashing = runner.start(spec({ kind: 'selftest', steps: 5, stepMs: 1, crashAt: 2 }));
    const next = runner.start(spec({ kind: 'selftest', steps: 2, stepMs: 1 }));
    const crashed = await jobEnd(runner, crashing.id);
    expect(crashed.status).toBe('failed');
    expect(crashed.error).toMatch(/engine process crashed \(exit code 70\)/);
    expect((await jobEnd(runner, next.id)).status).toBe('finished');
  });

  it('fails a job that throws with its error message', async () => {
    const runner = forkingRunner();
    const failing = runner.start(spec({ kind: 'selftest', steps: 5, stepMs: 1, failAt: 3 }));
    const failed = nextEvent(runner, 'job.failed');
    expect((await failed).error).toBe('selftest failed on purpose at step 3');
    expect(runner.get(failing.id).status).toBe('failed');
  });

  it('cancels a running job between steps', async () => {
    const runner = forkingRunner();
    const job = runner.start(spec({ kind: 'selftest', steps: 10_000, stepMs: 5 }));
    await nextEvent(runner, 'job.progress', (event) => event.jobId === job.id);
    runner.cancel(job.id);
    const ended = await jobEnd(runner, job.id);
    expect(ended.status).toBe('cancelled');
    expect(ended.progress?.done).toBeLessThan(10_000);
  });
});

describe('diagnostic jobs', () => {
  it('are refused by a runner without diagnostics, as every door builds it', () => {
    const runner = new JobRunner({ spawnEngine: forkEngine(), context });
    runners.push(runner);
    expect(() => runner.start(spec({ kind: 'selftest', crashAt: 0 }))).toThrow(
      /job kind 'selftest' is a diagnostic job/,
    );
    expect(runner.list()).toEqual([]);
  });

  it('are refused by the engine process unless the runner sent them under diagnostics', async () => {
    // A runner that lets the job through but does not tell the engine: the engine still refuses.
    const fork = forkEngine();
    const runner = new JobRunner({
      spawnEngine: () => {
        const engine = fork();
        const send = (message: ToEngine) =>
          engine.send(message.type === 'run' ? { ...message, diagnostics: false } : message);
        return { ...engine, send };
      },
      context,
      diagnostics: true,
    });
    runners.push(runner);
    const job = runner.start(spec({ kind: 'selftest', steps: 3, stepMs: 1, crashAt: 0 }));
    const ended = await jobEnd(runner, job.id);
    expect(ended.status).toBe('failed');
    expect(ended.error).toMatch(/job kind 'selftest' is a diagnostic job/);
  });
});

describe('job runner state across restarts', () => {
  it('keeps jobs in the state file and queues interrupted training again to resume it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anomap-jobs-'));
    dirs.push(dir);
    const stateFile = join(dir, 'jobs.json');
    // An engine that never answers: the jobs stay running until the runner is closed.
    const silent = () => ({ send() {}, onMessage() {}, onExit() {}, kill() {} });
    const first = new JobRunner({ spawnEngine: silent, context, stateFile });
    const train = first.start(
      spec({
        kind: 'train',
        model: 'diffusion',
        manifestPath: '/data/m.csv',
        steps: 100,
        resume: false,
      }),
    );
    const importJob = first.start(spec({ kind: 'import', paths: ['/data'] }));
    await first.close();

    const second = new JobRunner({ spawnEngine: silent, context, stateFile });
    runners.push(second);
    const resumed = second.get(train.id);
    expect(['queued', 'running']).toContain(resumed.status);
    expect(resumed.spec).toMatchObject({ kind: 'train', resume: true });
    expect(second.get(importJob.id).status).toBe('interrupted');
  });
});

describe('engine process lifetime', () => {
  it('ends the engine process, even mid-job, when the door that forked it dies', async () => {
    const { spawn } = await import('node:child_process');
    // The door starts a long job once the engine answers (so the job is surely running), then
    // says it is ready; the job sends no progress for 10 s, so only the disconnect can end it.
    const script = `
      import { forkEngine } from './src-main/jobs/index.ts';
      const engine = forkEngine()();
      const context = { libraryDir: '/none', modelsDir: '/none', checkpointsDir: '/none' };
      const spec = { kind: 'selftest', steps: 100, stepMs: 10000 };
      engine.onMessage(() => {
        engine.send({ type: 'run', jobId: 'long', spec, context, diagnostics: true });
        setTimeout(() => process.send?.('ready'), 300);
      });
      engine.send({ type: 'probe' });
    `;
    // The door: a process that forks an engine, then is killed with SIGKILL (no cleanup at all).
    const door = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: process.cwd(),
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    await new Promise((ready) => door.once('message', ready));
    const { execFileSync } = await import('node:child_process');
    // The door's children are the engine and tsx's esbuild service; the engine runs worker.ts.
    const engine = Number(
      execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(door.pid)], { encoding: 'utf8' })
        .split('\n')
        .find((line) => line.includes('worker.ts'))
        ?.trim()
        .split(/\s+/)[0],
    );
    expect(engine).toBeGreaterThan(0);
    door.kill('SIGKILL');
    await vi.waitFor(
      () => {
        expect(() => process.kill(engine, 0)).toThrow();
      },
      { timeout: 5_000, interval: 100 },
    );
  });
});
