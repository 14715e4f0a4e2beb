import { fireEvent, render, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { Component } from 'svelte';
import type { ApiClient } from '../../../src-renderer/api/types.ts';
import type { Connection } from '../../../src-renderer/api/client.ts';
import ImportPanel from '../../../src-renderer/views/ImportPanel.svelte';
import ViewHarness from './ViewHarness.svelte';

function connection(started: unknown[]): Connection {
  const api = {
    listDirectory: async ({ path }: { path?: string }) => ({
      path: path ?? '/home/ana',
      parent: '/home',
      entries: [{ name: 'scans', kind: 'dir', sizeBytes: null }],
      omitted: 0,
      undecodable: [],
    }),
    startImport: async (params: unknown) => {
      started.push(params);
      return { id: 1, kind: 'import', status: 'queued', progress: null };
    },
    listJobs: async () => [],
    on: () => () => undefined,
  } as unknown as ApiClient;
  return { api, door: 'browser', authorise: (url) => url };
}

describe('import panel', () => {
  it('adds picked folders to the typed paths and imports them all', async () => {
    const started: unknown[] = [];
    const { container } = render(ViewHarness, {
      connection: connection(started),
      view: ImportPanel as Component<Record<string, unknown>>,
      viewProps: { onimported: () => undefined },
    });
    const view = within(container);
    const paths = view.getByRole('textbox', { name: 'Paths to import' }) as HTMLTextAreaElement;
    await fireEvent.input(paths, { target: { value: '/data/typed.dcm' } });
    await fireEvent.click(view.getByRole('button', { name: 'Browse…' }));
    await fireEvent.click(await view.findByRole('checkbox', { name: 'Select scans' }));
    await fireEvent.click(view.getByRole('button', { name: 'Add 1 selected' }));
    expect(paths.value).toBe('/data/typed.dcm\n/home/ana/scans');
    expect(view.queryByRole('group', { name: 'Choose files and folders' })).toBeNull();
    await fireEvent.click(view.getByRole('button', { name: 'Import' }));
    expect(started).toEqual([{ paths: ['/data/typed.dcm', '/home/ana/scans'] }]);
  });
});
