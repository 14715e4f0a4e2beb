import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { Component } from 'svelte';
import type { ApiClient, Job } from '../../../src-renderer/api/types.ts';
import type { Connection } from '../../../src-renderer/api/client.ts';
import Evaluate from '../../../src-renderer/views/Evaluate.svelte';
import Train from '../../../src-renderer/views/Train.svelte';
import ViewHarness from './ViewHarness.svelte';

type Spec = Parameters<ApiClient['startJob']>[0]['spec'];

/** An api that answers the views' calls and remembers every job spec started. */
function fakeConnection() {
  const started: Spec[] = [];
  const api = {
    listJobs: async () => [],
    readerAgreement: async () => ({
      categories: ['normal', 'pathological', 'uncertain'],
      table: [],
      pairs: 0,
      agreed: 0,
      observed: null,
      expected: null,
      kappa: null,
    }),
    listRuns: async () => [],
    listEvaluations: async () => [],
    installedModels: async () => ({ dir: '/m', card: null, preset: null, models: [] }),
    listSplits: async () => [
      { split: 'test', count: 4 },
      { split: 'val', count: 3 },
    ],
    startJob: async ({ spec }: { spec: Spec }) => {
      started.push(spec);
      // Finished at once, so the view is free to start another.
      return { id: 'j1', kind: spec.kind, spec, status: 'finished', progress: null } as Job;
    },
    on: () => () => undefined,
  } as unknown as ApiClient;
  const connection: Connection = { api, door: 'browser', authorise: (url) => url };
  return { connection, started };
}

describe.each([
  { name: 'Train', view: Train, button: 'Start training', data: 'Training data' },
  { name: 'Evaluate', view: Evaluate, button: 'Evaluate', data: 'Evaluation data' },
])('$name view: which data', ({ view, button, data }) => {
  it("uses the library's labels unless a manifest is chosen, and then needs its path", async () => {
    const { connection, started } = fakeConnection();
    render(ViewHarness, { connection, view: view as Component });
    const start = screen.getByRole('button', { name: button }) as HTMLButtonElement;
    expect(start.disabled).toBe(false);
    expect(screen.queryByRole('textbox', { name: /manifest/i })).toBeNull();
    await fireEvent.click(start);
    await waitFor(() => expect(started).toHaveLength(1));
    expect(started[0].kind).toBe(view === Train ? 'train' : 'evaluate');
    expect(started[0]).not.toHaveProperty('manifestPath', expect.anything());

    const choice = screen.getByRole('combobox', { name: data }) as HTMLSelectElement;
    await fireEvent.change(choice, { target: { selectedIndex: 1 } });
    const path = (await screen.findByRole('textbox', { name: /manifest/i })) as HTMLInputElement;
    expect(start.disabled).toBe(true);
    await fireEvent.input(path, { target: { value: ' /data/brain-mid/manifest.csv ' } });
    expect(start.disabled).toBe(false);
    await fireEvent.click(start);
    await waitFor(() => expect(started).toHaveLength(2));
    expect(started[1]).toMatchObject({ manifestPath: '/data/brain-mid/manifest.csv' });
  });
});
