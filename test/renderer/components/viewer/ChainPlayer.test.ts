import { fireEvent, render, screen, within } from '@testing-library/svelte';
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
  it('shows input, x_t and the gradient side by side, and ends on the final reconstruction', async () => {
    render(ViewHarness, {
      connection: connection(),
      view: ChainPlayer as Component<Record<string, unknown>>,
      viewProps: { frames, inputHash: hash(7), reconstructionHash: hash(9) },
    });
    const step = (await screen.findByRole('img', { name: 'chain step 1' })) as HTMLImageElement;
    expect(step.src).toContain(`/image/${hash(1)}?token=t`);
    expect((screen.getByRole('img', { name: 'input' }) as HTMLImageElement).src).toContain(hash(7));
    expect(screen.getByText('noising, t = 50')).toBeTruthy();
    // noising, denoising (with its gradient as a layer, not a frame), final reconstruction.
    expect(screen.getByText('1 / 3')).toBeTruthy();
    const slider = screen.getByRole('slider', { name: 'Chain step' });
    await fireEvent.input(slider, { target: { value: '1' } });
    await screen.findByText('guided denoising, t = 50');
    const gradient = screen.getByRole('img', { name: 'guidance gradient at t = 50' });
    expect((gradient as HTMLImageElement).src).toContain(hash(3));
    expect((screen.getByRole('img', { name: 'chain step 2' }) as HTMLImageElement).src).toContain(
      hash(2),
    );
    await fireEvent.input(slider, { target: { value: '2' } });
    await screen.findByText('final reconstruction x̂');
    expect((screen.getByRole('img', { name: 'chain step 3' }) as HTMLImageElement).src).toContain(
      hash(9),
    );
  });

  it('exports the chain as a GIF for its result and links the written files', async () => {
    const asked: unknown[] = [];
    const api = {
      imageUrl: async ({ hash }: { hash: string }) => ({ url: `/image/${hash}` }),
      exportChainGif: async (params: unknown) => {
        asked.push(params);
        return {
          files: [
            { path: '/lib/exports/chains/chain-result-4.gif', url: '/e/chains/chain-result-4.gif' },
            {
              path: '/lib/exports/chains/chain-result-4.json',
              url: '/e/chains/chain-result-4.json',
            },
          ],
          frames: 3,
          width: 12,
          height: 4,
        };
      },
      on: () => () => undefined,
    } as unknown as ApiClient;
    render(ViewHarness, {
      connection: { api, door: 'browser', authorise: (url: string) => `${url}?token=t` },
      view: ChainPlayer as Component<Record<string, unknown>>,
      viewProps: { frames, reconstructionHash: hash(9), resultId: 4 },
    });
    await fireEvent.click(await screen.findByRole('button', { name: 'Export GIF' }));
    const link = (await screen.findByRole('link', { name: 'chain GIF' })) as HTMLAnchorElement;
    expect(asked).toEqual([{ resultId: 4 }]);
    expect(link.getAttribute('href')).toBe('/e/chains/chain-result-4.gif?token=t');
  });

  it('offers no export without a result id', async () => {
    const { container } = render(ViewHarness, {
      connection: connection(),
      view: ChainPlayer as Component<Record<string, unknown>>,
      viewProps: { frames, reconstructionHash: hash(9) },
    });
    await within(container).findByRole('img', { name: 'chain step 1' });
    expect(within(container).queryByRole('button', { name: 'Export GIF' })).toBeNull();
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
