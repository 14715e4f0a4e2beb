import { describe, expect, it } from 'vitest';
import type { Run } from '../../../src-renderer/api/types.ts';
import { latestRunId } from '../../../src-renderer/state/latestRun.ts';

const run = (id: number, status: Run['status'], guidanceScale: number): Run => ({
  id,
  name: null,
  settings: { guidanceScale },
  modelIds: [],
  status,
  error: null,
  timings: null,
  startedAt: '',
  finishedAt: null,
});

describe('default run', () => {
  it('shows the newest finished guided run, not the unguided ablation made beside it', () => {
    expect(latestRunId([run(1, 'done', 100), run(2, 'done', 100), run(3, 'done', 0)])).toBe(2);
  });

  it('skips runs still going or failed while a finished one exists', () => {
    expect(latestRunId([run(1, 'done', 100), run(2, 'running', 100), run(3, 'failed', 5)])).toBe(1);
  });

  it('falls back to whatever exists, and to none', () => {
    expect(latestRunId([run(4, 'done', 0)])).toBe(4);
    expect(latestRunId([run(5, 'running', 100)])).toBe(5);
    expect(latestRunId([])).toBeNull();
  });
});
