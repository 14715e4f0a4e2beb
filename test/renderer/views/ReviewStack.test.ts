import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Component } from 'svelte';
import { navigation } from '../../../src-renderer/state/navigation.svelte.ts';
import { worklist } from '../../../src-renderer/worklist/worklist.svelte.ts';
import Review from '../../../src-renderer/views/Review.svelte';
import ViewHarness from './ViewHarness.svelte';
import { fakeReviewApi, fixtureStudy, recordCanvases, type DrawCall } from './reviewFixtures.ts';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  navigation.reviewQueue = [];
  navigation.reviewIndex = 0;
  worklist.summaryOpen = false;
  worklist.edits = [];
});

const review = () => document.querySelector('.review')!;
const indicator = () => screen.getByTestId('slice-indicator').textContent?.trim();
/** SliceCanvas's CROSSHAIR (tsc cannot see a .svelte module's exports). */
const CROSSHAIR = '#39ff14';
const PANES = ['Input + anomaly overlay', 'Pseudo-healthy reconstruction', 'Anomaly map'];

/** Opens Review on a study of `slices` slices (it opens on the last, the most anomalous). */
async function openStack(slices = 5) {
  const fetched: string[] = [];
  const fake = fakeReviewApi([fixtureStudy(1, { slices }), fixtureStudy(2, { slices: 1 })]);
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', async (url: string) => {
    fetched.push(String(url).split('/pixels/')[1]?.replace(/0+$/, '') ?? '');
    return realFetch(url);
  });
  navigation.reviewQueue = [1, 2];
  navigation.reviewIndex = 0;
  render(ViewHarness, { connection: fake.connection, view: Review as Component });
  await waitFor(() => expect(review().getAttribute('data-loading')).toBe('false'));
  await waitFor(() => expect(indicator()).toBe(`slice ${slices} / ${slices}`));
  return { fake, fetched };
}

const settled = (text: string) =>
  waitFor(() => {
    expect(indicator()).toBe(text);
    expect(review().getAttribute('data-loading')).toBe('false');
  });

describe('Review stack viewer', () => {
  it('scrolls the slices with the wheel, all three panes together; Ctrl+wheel zooms', async () => {
    const { fake, fetched } = await openStack(5);
    fetched.length = 0;
    const map = document.querySelector('canvas[aria-label="Anomaly map"]')!;
    await fireEvent.wheel(map, { deltaY: -100 });
    await settled('slice 4 / 5');
    // The input, the reconstruction and the map of slice 4 (index 3): the panes move together.
    expect(fetched.sort()).toEqual(['img-1-3', 'map-1-3', 'rec-1-3']);
    // A trackpad's small deltas add up to one slice.
    const input = document.querySelector(`canvas[aria-label="${PANES[0]}"]`)!;
    for (let i = 0; i < 3; i++) await fireEvent.wheel(input, { deltaY: -15 });
    await settled('slice 3 / 5');
    // The study is not asked for again to scroll through it.
    expect(fake.getStudyCalls).toEqual([1]);
    const zoom = () => input.closest('figure')!.querySelector('.readout')!.textContent;
    const before = zoom();
    await fireEvent.wheel(input, { deltaY: -100, ctrlKey: true });
    expect(indicator()).toBe('slice 3 / 5');
    expect(zoom()).not.toBe(before);
  });

  it('moves through slices with ↑ ↓, PgUp PgDn, Home and End, and through cases with ← →', async () => {
    await openStack(5);
    await fireEvent.keyDown(window, { key: 'ArrowUp' });
    await settled('slice 4 / 5');
    await fireEvent.keyDown(window, { key: 'Home' });
    await settled('slice 1 / 5');
    await fireEvent.keyDown(window, { key: 'ArrowDown' });
    await settled('slice 2 / 5');
    await fireEvent.keyDown(window, { key: 'PageDown' }); // a tenth of 5: one slice
    await settled('slice 3 / 5');
    await fireEvent.keyDown(window, { key: 'End' });
    await settled('slice 5 / 5');
    await fireEvent.keyDown(window, { key: 'ArrowDown' }); // stays at the end
    await settled('slice 5 / 5');
    expect(navigation.reviewIndex).toBe(0);
    await fireEvent.keyDown(window, { key: 'ArrowRight' });
    await waitFor(() => expect(review().getAttribute('data-study-id')).toBe('2'));
    expect(screen.queryByTestId('slice-indicator')).toBeNull(); // one slice: no stack
  });

  it('leaves the keys to a focused slider: the slice slider and the opacity slider', async () => {
    await openStack(5);
    const slider = screen.getByRole('slider', { name: 'Slice' }) as HTMLInputElement;
    expect(slider.value).toBe('5');
    slider.focus();
    await fireEvent.keyDown(slider, { key: 'ArrowUp' });
    await fireEvent.keyDown(slider, { key: 'PageUp' });
    await fireEvent.keyDown(slider, { key: 'Home' });
    expect(indicator()).toBe('slice 5 / 5');
    // The slider's own input moves the stack.
    await fireEvent.input(slider, { target: { value: '2' } });
    await settled('slice 2 / 5');
    const opacity = screen.getByRole('slider', { name: 'Opacity' });
    opacity.focus();
    await fireEvent.keyDown(opacity, { key: 'ArrowDown' });
    await fireEvent.keyDown(opacity, { key: 'End' });
    expect(indicator()).toBe('slice 2 / 5');
    // Elsewhere, the same key moves the stack.
    await fireEvent.keyDown(document.body, { key: 'ArrowDown' });
    await settled('slice 3 / 5');
  });

  it('draws a crosshair at the same pixel on all three panes as the mouse moves over one', async () => {
    const log = recordCanvases();
    await openStack(3);
    const input = document.querySelector(`canvas[aria-label="${PANES[0]}"]`) as HTMLCanvasElement;
    const size = Number(input.getAttribute('width'));
    await fireEvent.pointerMove(input, { clientX: size * 0.3, clientY: size * 0.6 });
    /** Each pane's crosshair centre in its last frame, as a fraction of the pane's size. */
    const centres = () =>
      PANES.map((pane) => {
        const canvas = document.querySelector(`canvas[aria-label="${pane}"]`)!;
        const side = Number(canvas.getAttribute('width'));
        const calls = log.filter((c) => c.canvas === pane);
        const clears = calls.flatMap((c, i) =>
          c.op === 'fillRect' && c.args[0] === 0 && c.args[2] === side ? [i] : [],
        );
        const frame = calls.slice(clears.at(-1) ?? 0);
        if (!frame.some((c) => c.op === 'stroke' && c.strokeStyle === CROSSHAIR)) return null;
        const moves = frame.filter((c: DrawCall) => c.op === 'moveTo').map((c) => c.args);
        // The crosshair's arms start gap away on either side: right, left, down, up.
        const [right, left, , up] = moves.slice(-4) as number[][];
        return [(right[0] + left[0]) / 2 / side, up[1] / side];
      });
    await waitFor(() => expect(centres().every((c) => c !== null)).toBe(true));
    const [first, ...others] = centres() as number[][];
    for (const other of others) {
      expect(other[0]).toBeCloseTo(first[0], 1);
      expect(other[1]).toBeCloseTo(first[1], 1);
    }
    // The pixel under the mouse, 30 % across and 60 % down the input pane (to half a pixel).
    expect(first[0]).toBeCloseTo(0.3, 1);
    await fireEvent.pointerLeave(input);
    await waitFor(() => expect(centres()).toEqual([null, null, null]));
  });
});
