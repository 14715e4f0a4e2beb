import { afterEach, describe, expect, it } from 'vitest';
import { AnyJobSpecSchema } from '../../src-main/contract/index.ts';
import type { AnyJobSpecInput } from '../../src-main/contract/index.ts';
import { JobRunner } from '../../src-main/jobs/index.ts';
import { context, fakeSpawner, jobEnd } from './helpers.ts';

const spec = (input: AnyJobSpecInput) => AnyJobSpecSchema.parse(input);
const runners: JobRunner[] = [];
afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.close();
});

function runnerWithFakes(cancelGraceMs = 10_000) {
  const fakes = fakeSpawner();
  const runner = new JobRunner({
    spawnEngine: fakes.spawn,
    context,
    cancelGraceMs,
    diagnostics: true,
  });
  runners.push(runner);
  return { runner, engines: fakes.engines };
}

describe('job queue', () => {
  it('starts a high priority job before earlier normal and low ones', async () => {
    const { runner, engines } = runnerWithFakes();
    const first = runner.start(spec({ kind: 'selftest' }));
    const low = runner.start(spec({ kind: 'selftest' }), 'low');
    const normal = runner.start(spec({ kind: 'selftest' }));
    const high = runner.start(spec({ kind: 'selftest' }), 'high');
    expect(engines.map((engine) => engine.jobId)).toEqual([first.id]);
    const order = [];
    for (let i = 0; i < 4; i++) {
      const engine = engines[i];
      order.push(engine.jobId);
      engine.reply({ type: 'done', jobId: engine.jobId, result: null });
    }
    expect(order).toEqual([first.id, high.id, normal.id, low.id]);
  });

  it('runs an import beside a training job, one job per lane', () => {
    const { runner, engines } = runnerWithFakes();
    runner.start(
      spec({ kind: 'train', model: 'classifier', manifestPath: '/data/m.csv', steps: 10 }),
    );
    runner.start(spec({ kind: 'selftest' }));
    const importing = runner.start(spec({ kind: 'import', paths: ['/a'] }));
    expect(engines).toHaveLength(2);
    expect(engines[1].jobId).toBe(importing.id);
  });

  it('cancels a queued job without starting it', async () => {
    const { runner, engines } = runnerWithFakes();
    runner.start(spec({ kind: 'selftest' }));
    const queued = runner.start(spec({ kind: 'selftest' }));
    const ended = jobEnd(runner, queued.id);
    runner.cancel(queued.id);
    expect((await ended).status).toBe('cancelled');
    expect(engines).toHaveLength(1);
  });

  it('kills an engine that ignores cancel once the grace time is over', async () => {
    const { runner, engines } = runnerWithFakes(20);
    const job = runner.start(spec({ kind: 'selftest' }));
    const ended = jobEnd(runner, job.id);
    runner.cancel(job.id);
    expect(engines[0].sent.at(-1)).toEqual({ type: 'cancel', jobId: job.id });
    expect((await ended).status).toBe('cancelled');
    expect(engines[0].killed).toBe(true);
  });

  it('ignores malformed messages and messages about other jobs', () => {
    const { runner, engines } = runnerWithFakes();
    const job = runner.start(spec({ kind: 'selftest' }));
    engines[0].reply({ type: 'done' });
    engines[0].reply('garbage');
    engines[0].reply({ type: 'done', jobId: 'someone-else', result: null });
    expect(runner.get(job.id).status).toBe('running');
  });

  it('refuses to cancel a job it does not know, with a not-found error', () => {
    const { runner } = runnerWithFakes();
    expect(() => runner.cancel('nope')).toThrow(expect.objectContaining({ code: 'not-found' }));
  });
});
