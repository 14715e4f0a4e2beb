import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { Component } from 'svelte';
import type { ApiClient, Result } from '../../../../src-renderer/api/types.ts';
import type { Connection } from '../../../../src-renderer/api/client.ts';
import ChainPlayer from '../../../../src-renderer/components/viewer/ChainPlayer.svelte';
import ViewHarness from '../../views/ViewHarness.svelte';

const hash = (n: number) => String(n).repeat(64);
const frames: Result['chain'] = [
  { phase: 'noising', t: 50, hash: hash(1) },
  { phase: 'denoising', t: 50, hash: hash(2) },
  { phase: 'gradient', t: 50, hash: hash(3) },
];

function connection(): Connection {
  const api = {
    imageUrl: async ({ hash }: { hash: string }) => ({ url: `/image/${hash}` }),
    on: () => () => undefined,
  } as unknown as ApiClient;
  return { api, door: 'browser', authorise: (url) => `${url}?token=t` };
}

describe('chain player', () => {
  it('steps through the kept frames, naming the phase and t of each', async () => {
    render(ViewHarness, {
      connection: connection(),
      view: ChainPlayer as Component<Record<string, unknown>>,
      viewProps: { frames },
    });
    const image = (await screen.findByRole('img')) as HTMLImageElement;
    expect(image.src).toContain(`/image/${hash(1)}?token=t`);
    expect(screen.getByText('noising, t = 50')).toBeTruthy();
    expect(screen.getByText('1 / 3')).toBeTruthy();
    await fireEvent.input(screen.getByRole('slider', { name: 'Chain step' }), {
      target: { value: '2' },
    });
    await waitFor(() =>
      expect(screen.getByText('guidance gradient (grey = 0), t = 50')).toBeTruthy(),
    );
    expect((screen.getByRole('img') as HTMLImageElement).src).toContain(hash(3));
  });

  it('says how to keep a chain when the run did not', () => {
    render(ViewHarness, {
      connection: connection(),
      view: ChainPlayer as Component<Record<string, unknown>>,
      viewProps: { frames: [] },
    });
    expect(screen.getByText(/Keep the denoising chain/)).toBeTruthy();
  });
});
