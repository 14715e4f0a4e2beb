import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Component } from 'svelte';
import type { ApiClient, Job, ListStudiesParams } from '../../../src-renderer/api/types.ts';
import type { Connection } from '../../../src-renderer/api/client.ts';
import { navigation } from '../../../src-renderer/state/navigation.svelte.ts';
import Evaluate from '../../../src-renderer/views/Evaluate.svelte';
import Review from '../../../src-renderer/views/Review.svelte';
import Run from '../../../src-renderer/views/Run.svelte';
import ViewHarness from './ViewHarness.svelte';

const running = (spec: Job['spec']): Job =>
  ({
    id: 'job-running',
    kind: spec.kind,
    spec,
    priority: 'normal',
    status: 'running',
    progress: { phase: 'reconstruct', done: 3, total: 10, etaSeconds: 60 },
    createdAt: '2026-01-01T00:00:00Z',
    startedAt: '2026-01-01T00:00:01Z',
    finishedAt: null,
    error: null,
    result: null,
  }) as Job;

function connectionWith(api: Record<string, unknown>): Connection {
  const base = {
    listJobs: async () => [],
    listRuns: async () => [],
    listEvaluations: async () => [],
    installedModels: async () => ({ dir: '/m', card: null, preset: null, models: [] }),
    listFindings: async () => [],
    readerAgreement: async () => ({
      categories: ['normal', 'pathological', 'uncertain'],
      table: [],
      pairs: 0,
      agreed: 0,
      observed: null,
      expected: null,
      kappa: null,
    }),
    on: () => () => undefined,
  };
  return {
    api: { ...base, ...api } as unknown as ApiClient,
    door: 'browser',
    authorise: (url) => url,
  };
}

afterEach(() => {
  navigation.reviewQueue = [];
  navigation.reviewIndex = 0;
  navigation.runId = null;
});

describe('forms that describe the running job', () => {
  it("shows a running evaluation's manifest, splits and ablation, not the defaults", async () => {
    const job = running({
      kind: 'evaluate',
      manifestPath: '/data/brain-mid/manifest.csv',
      split: 'val',
      calibrationSplit: 'test',
      withUnguided: false,
    });
    const connection = connectionWith({
      listJobs: async () => [job],
      listSplits: async () => [
        { split: 'test', count: 40 },
        { split: 'val', count: 15 },
      ],
    });
    render(ViewHarness, { connection, view: Evaluate as Component });
    const path = (await screen.findByRole('textbox', {
      name: 'Dataset manifest',
    })) as HTMLInputElement;
    expect(path.value).toBe('/data/brain-mid/manifest.csv');
    await waitFor(() =>
      expect((screen.getByRole('combobox', { name: 'Split' }) as HTMLSelectElement).value).toBe(
        'val',
      ),
    );
    expect(
      (screen.getByRole('combobox', { name: 'Calibrate on' }) as HTMLSelectElement).value,
    ).toBe('test');
    expect(
      (screen.getByRole('checkbox', { name: /unguided ablation/ }) as HTMLInputElement).checked,
    ).toBe(false);
    expect((screen.getByRole('button', { name: 'Evaluate' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
  });
});

describe("Run's form while its reconstruction runs", () => {
  it('shows the running studies, the balanced preset and the kept chain', async () => {
    const job = running({
      kind: 'reconstruct',
      studyIds: [3, 4, 5],
      preset: 'balanced',
      withUnguided: false,
      allSlices: false,
      keepChain: true,
    });
    const connection = connectionWith({
      listJobs: async () => [job],
      listSplits: async () => [{ split: 'test', count: 3 }],
    });
    render(ViewHarness, { connection, view: Run as Component });
    const chain = screen.getByRole('checkbox', { name: /Keep the denoising chain/ });
    await waitFor(() => expect((chain as HTMLInputElement).checked).toBe(true));
    expect(document.body.textContent).toContain('3 studies selected');
    expect(screen.getByRole('button', { name: 'Reconstruct 3 studies' })).toBeTruthy();
    const balanced = document.querySelector('input[type="radio"][value="balanced"]');
    expect((balanced as HTMLInputElement).checked).toBe(true);
  });
});

describe("Run's form for one study", () => {
  it('says one study, not one studies', async () => {
    const job = running({
      kind: 'reconstruct',
      studyIds: [3],
      withUnguided: false,
      allSlices: false,
      keepChain: false,
    });
    const connection = connectionWith({
      listJobs: async () => [job],
      listSplits: async () => [{ split: 'test', count: 3 }],
    });
    render(ViewHarness, { connection, view: Run as Component });
    await waitFor(() => expect(document.body.textContent).toContain('1 study selected'));
    expect(screen.getByRole('button', { name: 'Reconstruct 1 study' })).toBeTruthy();
    expect(document.body.textContent).not.toContain('1 studies');
  });
});

describe("Run's form for a library without splits", () => {
  it('notes the missing splits plainly and still reconstructs the chosen studies', async () => {
    navigation.selectedStudyIds = [3, 4];
    const started: unknown[] = [];
    const connection = connectionWith({
      listSplits: async () => [],
      startJob: async ({ spec }: { spec: Job['spec'] }) => {
        started.push(spec);
        return { ...running(spec), id: 'job-new' };
      },
    });
    render(ViewHarness, { connection, view: Run as Component });
    const note = await screen.findByText('No splits in this data.');
    expect(note.classList.contains('error')).toBe(false);
    expect(note.classList.contains('muted')).toBe(true);
    expect(document.querySelector('.error')).toBeNull();
    expect(document.body.textContent).not.toContain('The data has no splits');
    expect(
      (screen.getByRole('button', { name: 'Select split' }) as HTMLButtonElement).disabled,
    ).toBe(true);
    const go = screen.getByRole('button', { name: 'Reconstruct 2 studies' }) as HTMLButtonElement;
    expect(go.disabled).toBe(false);
    await fireEvent.click(go);
    await waitFor(() => expect(started).toHaveLength(1));
    expect(started[0]).toMatchObject({ kind: 'reconstruct', studyIds: [3, 4] });
    navigation.selectedStudyIds = [];
  });
});

describe('Review opened from the menu', () => {
  it("walks only the newest run's scored cases, never every study of the library", async () => {
    const queries: ListStudiesParams[] = [];
    const connection = connectionWith({
      listRuns: async () => [
        {
          id: 4,
          name: 'evaluation',
          settings: {},
          modelIds: [],
          status: 'done',
          error: null,
          timings: null,
          startedAt: '2026-01-01T00:00:00Z',
          finishedAt: '2026-01-01T00:01:00Z',
        },
      ],
      listStudies: async (params: ListStudiesParams) => {
        queries.push(params);
        return { total: 2, studies: [{ id: 11 }, { id: 12 }] };
      },
      getStudy: () => new Promise(() => undefined), // never loads: only the queue matters here
    });
    render(ViewHarness, { connection, view: Review as Component });
    await waitFor(() => expect(navigation.reviewQueue).toEqual([11, 12]));
    expect(queries[0]).toMatchObject({ verdict: 'unlabelled', runId: 4, scoreMin: 0 });
  });
});
