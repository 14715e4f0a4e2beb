import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { ApiClient, Job } from '../../../../src-renderer/api/types.ts';
import JobTray from '../../../../src-renderer/components/common/JobTray.svelte';
import { createJobTray } from '../../../../src-renderer/state/jobTray.svelte.ts';
import { navigation } from '../../../../src-renderer/state/navigation.svelte.ts';

const evaluation: Job = {
  id: 'job-eval-1',
  kind: 'evaluate',
  spec: {
    kind: 'evaluate',
    split: 'test',
    calibrationSplit: 'val',
    withUnguided: true,
  },
  priority: 'normal',
  status: 'running',
  progress: { phase: 'reconstruct', done: 1.3333333333333333, total: 124, etaSeconds: 240 },
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: '2026-01-01T00:00:01Z',
  finishedAt: null,
  error: null,
  result: null,
};

/** An api whose server already runs an evaluation (the page was reloaded meanwhile). */
function fakeApi() {
  const listeners = new Map<string, (payload: unknown) => void>();
  const cancelled: string[] = [];
  const api = {
    listJobs: async () => [evaluation],
    cancelJob: async ({ jobId }: { jobId: string }) => {
      cancelled.push(jobId);
      return { ...evaluation, status: 'cancelled' };
    },
    on: (event: string, listener: (payload: unknown) => void) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
  } as unknown as ApiClient;
  const emit = (event: string, payload: unknown) => listeners.get(event)?.(payload);
  return { api, cancelled, emit };
}

describe('job tray', () => {
  it('shows a job that was running before a reload, in whole numbers, and cancels it', async () => {
    const { api, cancelled } = fakeApi();
    const tray = createJobTray(api);
    render(JobTray, { tray });
    const row = await screen.findByText(/reconstruct: 1 \/ 124 · 1 %/);
    expect(row.textContent).toContain('about 4 min 00 s left');
    expect(tray.busy('evaluate')).toBe(true);
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(cancelled).toEqual(['job-eval-1']));
    await screen.findByText('cancelled');
    expect(tray.busy('evaluate')).toBe(false);
    tray.dispose();
  });

  it('follows progress events and links a finished evaluation to its report', async () => {
    const { api, emit } = fakeApi();
    const tray = createJobTray(api);
    render(JobTray, { tray });
    await screen.findByText(/1 \/ 124/);
    emit('job.progress', {
      jobId: evaluation.id,
      kind: 'evaluate',
      phase: 'reconstruct',
      done: 62,
      total: 124,
      etaSeconds: 30,
    });
    await screen.findByText(/62 \/ 124 · 50 %/);
    emit('job.finished', { job: { ...evaluation, status: 'finished' } });
    await waitFor(() =>
      expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100'),
    );
    await fireEvent.click(await screen.findByRole('button', { name: 'Open report' }));
    expect(navigation.view).toBe('evaluate');
    expect(navigation.evaluationId).toBe('job-eval-1');
    tray.dispose();
  });

  it('says a failure in words, without counts or an ETA', async () => {
    const { api, emit } = fakeApi();
    const tray = createJobTray(api);
    render(JobTray, { tray });
    await screen.findByText(/1 \/ 124/);
    emit('job.failed', {
      job: {
        ...evaluation,
        status: 'failed',
        progress: { ...evaluation.progress, done: 0, total: 0 },
      },
      error: "ENOENT: no such file or directory, open '/data/manifest.csv'",
    });
    await screen.findByText('failed');
    expect(document.body.textContent).toContain('/data/manifest.csv does not exist');
    expect(document.body.textContent).not.toMatch(/0 \/ 0|ETA|left/);
    tray.dispose();
  });

  it('lets a finished job leave the tray by itself, and keeps a failure until dismissed', async () => {
    const { api, emit } = fakeApi();
    const tray = createJobTray(api, { leaveAfterMs: 50 });
    render(JobTray, { tray });
    await screen.findByText(/1 \/ 124/);
    emit('job.finished', { job: { ...evaluation, status: 'finished' } });
    await waitFor(() => expect(tray.entries.length).toBe(0));
    expect(screen.queryByRole('region', { name: 'Jobs' })).toBeNull();
    emit('job.failed', { job: { ...evaluation, id: 'job-2', status: 'failed' }, error: 'boom' });
    await screen.findByText('boom');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(tray.entries.map((e) => e.job.id)).toEqual(['job-2']);
    tray.dispose();
  });

  it('calls an import whose every path failed a failure, not "finished"', async () => {
    const { api, emit } = fakeApi();
    const tray = createJobTray(api, { leaveAfterMs: 50 });
    render(JobTray, { tray });
    await screen.findByText(/1 \/ 124/);
    const summary = { imported: 0, duplicates: 0, skipped: 0, studies: 0, images: 0 };
    const failed = [
      { path: '/a.png', reason: 'cannot open: ENOENT' },
      { path: '/b.png', reason: 'cannot open: ENOENT' },
    ];
    emit('job.finished', {
      job: {
        ...evaluation,
        id: 'job-import',
        kind: 'import',
        spec: { kind: 'import', paths: ['/a.png', '/b.png'] },
        status: 'finished',
        result: { ...summary, failed },
      },
    });
    await screen.findByText('Nothing imported: none of the 2 paths could be read.');
    const row = document.querySelector('[data-job-id="job-import"]');
    expect(row?.textContent).toContain('failed');
    expect(row?.textContent).not.toContain('finished');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(tray.entries.some((e) => e.job.id === 'job-import')).toBe(true);
    tray.dispose();
  });

  it('counts the studies of a reconstruction in words: one study, two studies', async () => {
    const { api, emit } = fakeApi();
    const tray = createJobTray(api);
    render(JobTray, { tray });
    await screen.findByText(/1 \/ 124/);
    const reconstruction = (id: string, studyIds: number[]): Job => ({
      ...evaluation,
      id,
      kind: 'reconstruct',
      spec: {
        kind: 'reconstruct',
        studyIds,
        withUnguided: false,
        allSlices: false,
        keepChain: false,
      },
    });
    emit('job.started', { job: reconstruction('job-one', [7]) });
    emit('job.started', { job: reconstruction('job-two', [7, 8]) });
    await waitFor(() =>
      expect(document.querySelector('[data-job-id="job-one"]')?.textContent).toContain(
        'of 1 study',
      ),
    );
    expect(document.querySelector('[data-job-id="job-one"]')?.textContent).not.toContain('studies');
    expect(document.querySelector('[data-job-id="job-two"]')?.textContent).toContain(
      'of 2 studies',
    );
    tray.dispose();
  });

  it('says how many slices a finished reconstruction mapped and left out, and why', async () => {
    const { api, emit } = fakeApi();
    const tray = createJobTray(api);
    render(JobTray, { tray });
    await screen.findByText(/1 \/ 124/);
    const left = (kind: 'outside-domain' | 'blank', count: number, first: number) =>
      Array.from({ length: count }, (_, i) => ({
        studyId: 7,
        imageId: first + i,
        kind,
        reason: kind === 'blank' ? 'blank: no head in the slice' : 'outside the slab',
      }));
    emit('job.finished', {
      job: {
        ...evaluation,
        id: 'job-rec',
        kind: 'reconstruct',
        spec: {
          kind: 'reconstruct',
          studyIds: [7],
          withUnguided: false,
          allSlices: false,
          keepChain: false,
        },
        status: 'finished',
        result: {
          runId: 3,
          unguidedRunId: null,
          mapped: 55,
          skipped: [...left('outside-domain', 130, 1000), ...left('blank', 4, 2000)],
        },
      },
    });
    await waitFor(() =>
      expect(document.querySelector('[data-job-id="job-rec"]')?.textContent).toContain(
        'finished · 55 slices mapped, 134 left out (outside the slab 130, blank 4)',
      ),
    );
    tray.dispose();
  });
});
