import { fireEvent, render, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { Component } from 'svelte';
import type { ApiClient } from '../../../../src-renderer/api/types.ts';
import type { Connection } from '../../../../src-renderer/api/client.ts';
import FilePicker from '../../../../src-renderer/components/import/FilePicker.svelte';
import ViewHarness from '../../views/ViewHarness.svelte';

type Entry = { name: string; kind: 'file' | 'dir'; sizeBytes: number | null };
/** A small tree the fake server lists: /home/ana holds scans/ and notes.txt. */
const tree: Record<string, Entry[]> = {
  '/home': [{ name: 'ana', kind: 'dir', sizeBytes: null }],
  '/home/ana': [
    { name: 'locked', kind: 'dir', sizeBytes: null },
    { name: 'scans', kind: 'dir', sizeBytes: null },
    { name: 'notes.txt', kind: 'file', sizeBytes: 2048 },
  ],
  '/home/ana/scans': [
    { name: 'a.dcm', kind: 'file', sizeBytes: 10 },
    { name: 'b.dcm', kind: 'file', sizeBytes: 20 },
  ],
};
const parentOf = (path: string) => (path === '/home' ? null : path.replace(/\/[^/]+$/, '') || '/');

function connection(asked: unknown[]): Connection {
  const api = {
    listDirectory: async (params: { path?: string }) => {
      asked.push(params);
      const path = params.path ?? '/home/ana';
      if (!tree[path]) throw new Error(`not a folder: ${path}`);
      return { path, parent: parentOf(path), entries: tree[path], omitted: 0, undecodable: [] };
    },
    on: () => () => undefined,
  } as unknown as ApiClient;
  return { api, door: 'browser', authorise: (url) => url };
}

function renderPicker(picks: string[][], asked: unknown[] = []) {
  const { container } = render(ViewHarness, {
    connection: connection(asked),
    view: FilePicker as Component<Record<string, unknown>>,
    viewProps: { onpick: (paths: string[]) => picks.push(paths) },
  });
  return within(container);
}

describe('file and folder picker (browser mode)', () => {
  it('starts at the home folder, opens a folder and picks ticked files as absolute paths', async () => {
    const picks: string[][] = [];
    const asked: unknown[] = [];
    const view = renderPicker(picks, asked);
    await view.findByText('/home/ana');
    expect(view.getByText('2 KB')).toBeTruthy();
    expect(asked[0]).toEqual({ showHidden: false });
    await fireEvent.click(view.getByRole('button', { name: 'Open scans' }));
    await view.findByText('/home/ana/scans');
    await fireEvent.click(view.getByRole('checkbox', { name: 'Select b.dcm' }));
    const add = view.getByRole('button', { name: 'Add 1 selected' });
    await fireEvent.click(add);
    expect(picks).toEqual([['/home/ana/scans/b.dcm']]);
  });

  it('goes up, takes a whole folder, and has no way up at the top', async () => {
    const picks: string[][] = [];
    const view = renderPicker(picks);
    await view.findByText('/home/ana');
    await fireEvent.click(view.getByRole('button', { name: '↑ Up' }));
    await view.findByText('/home');
    expect((view.getByRole('button', { name: '↑ Up' }) as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(view.getByRole('button', { name: 'Open ana' }));
    await view.findByText('/home/ana');
    await fireEvent.click(view.getByRole('checkbox', { name: 'Select scans' }));
    await fireEvent.click(view.getByRole('button', { name: 'Add this whole folder' }));
    await fireEvent.click(view.getByRole('button', { name: 'Add 1 selected' }));
    expect(picks).toEqual([['/home/ana'], ['/home/ana/scans']]);
  });

  it('says why a folder cannot be opened and stays where it was', async () => {
    const view = renderPicker([]);
    await view.findByText('/home/ana');
    await fireEvent.click(view.getByRole('button', { name: 'Open locked' }));
    await view.findByText('not a folder: /home/ana/locked');
    expect(view.getByText('/home/ana')).toBeTruthy();
  });
});
