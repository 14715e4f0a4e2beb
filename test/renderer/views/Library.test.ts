import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Component } from 'svelte';
import type {
  ApiClient,
  ListStudiesParams,
  Run,
  StudySummary,
} from '../../../src-renderer/api/types.ts';
import type { Connection } from '../../../src-renderer/api/client.ts';
import { navigation } from '../../../src-renderer/state/navigation.svelte.ts';
import Library from '../../../src-renderer/views/Library.svelte';
import {
  defaultLibraryFilters,
  libraryFilters,
  restoreLibraryFilters,
  saveLibraryFilters,
} from '../../../src-renderer/state/libraryFilters.svelte.ts';
import ViewHarness from './ViewHarness.svelte';

const run: Run = {
  id: 5,
  name: 'guided',
  settings: { guidanceScale: 5 },
  modelIds: [1, 2],
  status: 'done',
  error: null,
  timings: null,
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: '2026-01-01T00:01:00Z',
};

const study: StudySummary = {
  id: 7,
  uid: 'u7',
  patientAlias: 'P7',
  studyDate: null,
  modality: null,
  source: 'IXI',
  description: null,
  split: 'test',
  createdAt: '2026-01-01T00:00:00Z',
  imageCount: 1,
  firstImageId: 1,
  verdict: null,
  status: 'not-reviewed',
  findings: [],
  score: 0.8125,
  classifierProbability: 0.4321,
  referenceVerdict: 'pathological',
  firstImageHash: 'a'.repeat(64),
  aboveThreshold: true,
  imageScoreThreshold: 0.5,
  hottestImageId: 1,
  hottestSliceIndex: 0,
};

/** An api that answers Library's calls and remembers every study query. */
function fakeConnection(runs: Run[] = [run]) {
  const queries: ListStudiesParams[] = [];
  const api = {
    listRuns: async () => runs,
    listStudies: async (params: ListStudiesParams) => {
      queries.push(params);
      return { total: 1, studies: [study] };
    },
    listJobs: async () => [],
    listSplits: async () => [
      { split: 'test', count: 1 },
      { split: 'val', count: 0 },
    ],
    readerAgreement: async () => ({
      categories: ['normal', 'pathological', 'uncertain'],
      table: [
        [4, 1, 0],
        [1, 3, 0],
        [0, 1, 0],
      ],
      pairs: 10,
      agreed: 7,
      observed: 0.7,
      expected: 0.45,
      kappa: 5 / 11,
    }),
    on: () => () => undefined,
  } as unknown as ApiClient;
  const connection: Connection = { api, door: 'browser', authorise: (url) => url };
  /** The last query for a page of the list (not a status count). */
  const lastPage = () => queries.filter((q) => q.limit !== 1).at(-1);
  return { connection, lastPage };
}

afterEach(() => {
  navigation.nextCaseOrder = 'score';
  Object.assign(libraryFilters, defaultLibraryFilters());
});

describe('library view', () => {
  it('names the score column after what the run scored with, and never repeats it', async () => {
    const { connection } = fakeConnection([{ ...run, settings: { imageScore: 'classifier' } }]);
    render(ViewHarness, { connection, view: Library as Component });
    expect(
      await screen.findByRole('columnheader', { name: 'AI: Classifier p(pathological)' }),
    ).toBeTruthy();
    expect(screen.queryByRole('columnheader', { name: 'Classifier p' })).toBeNull();
  });

  it('shows the classifier probability beside the anomaly score', async () => {
    const { connection } = fakeConnection();
    render(ViewHarness, { connection, view: Library as Component });
    expect(await screen.findByText('0.43')).toBeTruthy();
    expect(screen.getByText('0.813')).toBeTruthy();
    expect(screen.getByRole('columnheader', { name: 'Classifier p' })).toBeTruthy();
    // A thumbnail of the first slice opens the study too.
    expect(screen.getByRole('button', { name: 'Open study 7' })).toBeTruthy();
  });

  it("sorts by the study score from the score column and shows the study's AI verdict", async () => {
    const { connection, lastPage } = fakeConnection();
    render(ViewHarness, { connection, view: Library as Component });
    await waitFor(() => expect(lastPage()?.runId).toBe(run.id));
    const verdictCell = document.querySelector('td.ai-verdict');
    expect(verdictCell?.textContent?.trim()).toBe('pathological');
    const header = screen.getByRole('button', { name: /^AI: / });
    await fireEvent.click(header);
    await waitFor(() => expect(lastPage()).toMatchObject({ sort: 'score', order: 'desc' }));
    await fireEvent.click(header);
    await waitFor(() => expect(lastPage()).toMatchObject({ sort: 'score', order: 'asc' }));
  });

  it('offers both next-case orders: highest anomaly score and classifier most uncertain', async () => {
    const { connection, lastPage } = fakeConnection();
    render(ViewHarness, { connection, view: Library as Component });
    // The newest run is picked, so the next cases can be ordered by its results.
    await waitFor(() => expect(lastPage()?.runId).toBe(run.id));
    const choice = screen.getByRole('combobox', { name: 'Next case order' }) as HTMLSelectElement;
    expect([...choice.options].map((o) => o.text)).toEqual([
      'Next case: highest anomaly score',
      'Next case: classifier most uncertain',
    ]);
    const next = screen.getByRole('button', { name: 'Next cases to label' });

    await fireEvent.click(next);
    await waitFor(() =>
      expect(lastPage()).toMatchObject({
        verdict: 'unlabelled',
        runId: run.id,
        sort: 'score',
        order: 'desc',
        offset: 0,
      }),
    );

    await fireEvent.change(choice, { target: { value: 'uncertainty' } });
    expect(navigation.nextCaseOrder).toBe('uncertainty'); // Review follows the same order
    expect(next.title).toMatch(/nearest 0\.5/);
    await fireEvent.click(next);
    await waitFor(() =>
      expect(lastPage()).toMatchObject({
        verdict: 'unlabelled',
        runId: run.id,
        sort: 'uncertainty',
        order: 'desc',
      }),
    );
    const sort = screen.getByRole('combobox', { name: 'Sort by' }) as HTMLSelectElement;
    expect(sort.value).toBe('uncertainty');
    // The button takes the reader to those cases: Review opens on them as one worklist.
    expect(navigation.view).toBe('review');
    expect(navigation.reviewQueue).toEqual([study.id]);
  });

  it('keeps the split filter on leaving Library and coming back, and across a reload', async () => {
    const { connection, lastPage } = fakeConnection();
    render(ViewHarness, { connection, view: Library as Component });
    // A split is picked from those the library has: no typo can match nothing.
    const split = (await screen.findByRole('combobox', { name: 'Split' })) as HTMLSelectElement;
    await waitFor(() =>
      expect([...split.options].map((o) => o.value)).toEqual(['', 'test', 'val']),
    );
    await fireEvent.change(split, { target: { value: 'test' } });
    await waitFor(() => expect(lastPage()?.split).toBe('test'));
    cleanup(); // to Review and back
    render(ViewHarness, { connection, view: Library as Component });
    expect((screen.getByRole('combobox', { name: 'Split' }) as HTMLSelectElement).value).toBe(
      'test',
    );
    // A reload: the split comes back from storage.
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: store.set.bind(store),
    };
    saveLibraryFilters(storage);
    Object.assign(libraryFilters, defaultLibraryFilters());
    restoreLibraryFilters(storage);
    expect(libraryFilters.split).toBe('test');
  });

  it('hides reference labels until asked, and counts reader-vs-reference agreement', async () => {
    const { connection } = fakeConnection();
    render(ViewHarness, { connection, view: Library as Component });
    await screen.findByText('0.813');
    expect(screen.queryByRole('columnheader', { name: 'Reference' })).toBeNull();
    expect(document.querySelector('td.reference')).toBeNull();
    const agreement = screen.getByLabelText('Reader vs reference agreement');
    expect(agreement.textContent).toMatch(/10\s+studies labelled by both/);
    expect(agreement.textContent).toContain('κ = 0.45');
    expect(agreement.textContent).toContain('(moderate)');
    await fireEvent.click(screen.getByRole('checkbox', { name: /Show reference labels/ }));
    expect(screen.getByRole('columnheader', { name: 'Reference' })).toBeTruthy();
    expect(document.querySelector('td.reference')?.textContent).toBe('pathological');
  });
});
