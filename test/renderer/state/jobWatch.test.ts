import { describe, expect, it } from 'vitest';
import type { ApiClient, Job } from '../../../src-renderer/api/types.ts';
import { createJobWatch } from '../../../src-renderer/state/jobWatch.svelte.ts';

const job = (kind: Job['kind'], status: Job['status'], createdAt: string): Job =>
  ({
    id: `${kind}-${createdAt}`,
    kind,
    status,
    progress: { phase: 'reconstruct', done: 3, total: 10, etaSeconds: 5 },
    createdAt,
  }) as Job;

function fakeApi(jobs: Job[]): ApiClient {
  return {
    listJobs: async () => jobs,
    on: () => () => undefined,
  } as unknown as ApiClient;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('a view coming back to its running job', () => {
  it('follows the newest running job of its kind, so its button stays disabled', async () => {
    const watch = createJobWatch(
      fakeApi([
        job('evaluate', 'finished', '2026-01-01T00:00:00Z'),
        job('evaluate', 'running', '2026-01-02T00:00:00Z'),
        job('train', 'running', '2026-01-03T00:00:00Z'),
      ]),
      undefined,
      'evaluate',
    );
    await settle();
    expect(watch.running).toBe(true);
    expect(watch.job?.id).toBe('evaluate-2026-01-02T00:00:00Z');
    expect(watch.progress?.done).toBe(3);
    watch.dispose();
  });

  it('follows nothing when no job of its kind runs', async () => {
    const watch = createJobWatch(
      fakeApi([job('train', 'running', '2026-01-03T00:00:00Z')]),
      undefined,
      'evaluate',
    );
    await settle();
    expect(watch.job).toBeNull();
    expect(watch.running).toBe(false);
    watch.dispose();
  });
});
