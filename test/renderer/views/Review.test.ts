import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Component } from 'svelte';
import type { Box } from '../../../src-renderer/api/types.ts';
import { navigation } from '../../../src-renderer/state/navigation.svelte.ts';
import { worklist } from '../../../src-renderer/worklist/worklist.svelte.ts';
import Review from '../../../src-renderer/views/Review.svelte';
import ViewHarness from './ViewHarness.svelte';
import { fakeReviewApi, fixtureStudy, recordCanvases, storePixels } from './reviewFixtures.ts';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  navigation.reviewQueue = [];
  navigation.reviewIndex = 0;
  navigation.runId = null;
  navigation.revealedStudyIds = [];
  worklist.summaryOpen = false;
  worklist.edits = [];
});

const shown = () => document.querySelector('.review');
const loadedStudy = async (id: number) =>
  waitFor(() => {
    expect(shown()?.getAttribute('data-study-id')).toBe(String(id));
    expect(shown()?.getAttribute('data-loading')).toBe('false');
  });

function open(studies = [fixtureStudy(1), fixtureStudy(2)]) {
  const fake = fakeReviewApi(studies);
  navigation.reviewQueue = studies.map((s) => s.id);
  navigation.reviewIndex = 0;
  render(ViewHarness, { connection: fake.connection, view: Review as Component });
  return fake;
}

describe('Review', () => {
  it('shows the input with its overlay, the reconstruction and the map', async () => {
    open();
    await loadedStudy(1);
    for (const name of ['Input + anomaly overlay', 'Pseudo-healthy reconstruction', 'Anomaly map'])
      expect(document.querySelector(`canvas[aria-label="${name}"]`)).not.toBeNull();
  });

  it('N gives the verdict and moves on; Ctrl+Z comes back and takes it back', async () => {
    const fake = open();
    await loadedStudy(1);
    await fireEvent.keyDown(window, { key: 'n' });
    await loadedStudy(2);
    await waitFor(() => expect(fake.calls).toContain('setLabel 1 normal'));
    await fireEvent.keyDown(window, { key: 'z', ctrlKey: true });
    await loadedStudy(1);
    await waitFor(() => expect(fake.calls.at(-1)).toBe('setLabel 1 null'));
  });

  it('O hides the overlay and S stretches the heat scale', async () => {
    open();
    await loadedStudy(1);
    const overlay = screen.getByRole('checkbox', { name: /Overlay \(O\)/ }) as HTMLInputElement;
    const stretch = screen.getByRole('checkbox', { name: /Stretch to case/ }) as HTMLInputElement;
    expect(overlay.checked).toBe(true);
    await fireEvent.keyDown(window, { key: 'o' });
    expect(overlay.checked).toBe(false);
    expect(document.querySelector('canvas[aria-label="Input"]')).not.toBeNull();
    expect(stretch.checked).toBe(false);
    await fireEvent.keyDown(window, { key: 's' });
    expect(stretch.checked).toBe(true);
  });

  it('a focused slider keeps its own arrow keys', async () => {
    open();
    await loadedStudy(1);
    const opacity = screen.getByRole('slider', { name: 'Opacity' });
    opacity.focus();
    await fireEvent.keyDown(opacity, { key: 'ArrowRight' });
    expect(navigation.reviewIndex).toBe(0);
    await fireEvent.keyDown(document.body, { key: 'ArrowRight' });
    await loadedStudy(2);
  });

  it("draws a revealed reference region as its mask's outline, and a region without one as a box", async () => {
    const log = recordCanvases();
    const maskHash = 'mask-plus'.padEnd(64, '0');
    storePixels(maskHash, new Uint8Array([0, 255, 0, 255, 255, 255, 0, 255, 0]), 3);
    const reference = (id: number, box: Box, hash: string | null) => ({
      id,
      imageId: 102, // the slice Review opens on: the one with the highest score
      finding: 'mass',
      kind: 'box' as const,
      box,
      maskHash: hash,
      author: 'dataset:manifest.csv',
      createdAt: '',
      updatedAt: '',
    });
    open([
      fixtureStudy(1, {
        referenceAnnotations: [
          reference(1, { x: 4, y: 4, width: 3, height: 3 }, maskHash),
          reference(2, { x: 10, y: 10, width: 2, height: 2 }, null),
        ],
      }),
    ]);
    await loadedStudy(1);
    const input = 'Input + anomaly overlay';
    const referenceStrokes = () =>
      log.filter((c) => c.canvas === input && c.strokeStyle === '#22e1ff');
    expect(referenceStrokes()).toEqual([]); // blind until revealed
    await fireEvent.keyDown(window, { key: 'n', shiftKey: true });
    await fireEvent.keyDown(window, { key: 'r' });
    await waitFor(() => expect(referenceStrokes().some((c) => c.op === 'stroke')).toBe(true));
    // The last frame drawn on the input: from its last clear (a square fill at 0, 0).
    const mine = log.filter((c) => c.canvas === input);
    const clears = mine.flatMap((c, i) =>
      c.op === 'fillRect' && c.args[0] === 0 && c.args[1] === 0 && c.args[2] === c.args[3]
        ? [i]
        : [],
    );
    const start = clears.at(-1) ?? 0;
    const frame = mine.slice(start);
    // The plus sign's 12 edges, stroked over a halo, and not its bounding box.
    expect(frame.filter((c) => c.op === 'moveTo')).toHaveLength(12);
    const stroked = frame.filter((c) => c.op === 'stroke').map((c) => c.strokeStyle);
    expect(stroked).toEqual(['rgba(0, 0, 0, 0.85)', '#22e1ff']);
    // The region without a mask keeps its box: one reference rectangle (halo and line).
    const rects = frame.filter((c) => c.op === 'strokeRect');
    expect(rects.map((c) => c.strokeStyle)).toEqual(['rgba(0, 0, 0, 0.85)', '#22e1ff']);
    const scale = (rects[1].args[2] as number) / 2;
    expect(rects[1].args[3]).toBeCloseTo(2 * scale);
    // The outline's first edge lies on the plus's top notch: x from 5 to 6, y = 4 (image).
    const moves = frame.filter((c) => c.op === 'moveTo' || c.op === 'lineTo');
    const xs = moves.map((c) => c.args[0] as number);
    const origin = (rects[1].args[0] as number) - 10 * scale; // screen x of image x = 0
    expect(Math.min(...xs)).toBeCloseTo(origin + 4 * scale);
    expect(Math.max(...xs)).toBeCloseTo(origin + 7 * scale);
  });
});
