/**
 * Review of a study as a volume (issue 21): the study's one score and verdict, a slice outside
 * the models' domain says so instead of showing a map, the indicator gives the slice's position
 * in mm, and H (or the button) goes to the hottest
 * slice.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Component } from 'svelte';
import type { StudyDetail } from '../../../src-renderer/api/types.ts';
import { navigation } from '../../../src-renderer/state/navigation.svelte.ts';
import Review from '../../../src-renderer/views/Review.svelte';
import ViewHarness from './ViewHarness.svelte';
import { fakeReviewApi, fixtureStudy } from './reviewFixtures.ts';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  navigation.reviewQueue = [];
  navigation.reviewIndex = 0;
});

/** Four slices: slice 0 left out as outside the domain, slice 3 the hottest (score 0.3). */
function volumeStudy(): StudyDetail {
  const study = fixtureStudy(5, { slices: 4 });
  const outside = study.images[0].id;
  return {
    ...study,
    // 5 mm apart from 10 mm: the indicator gives the place along the stack.
    images: study.images.map((image, i) => ({ ...image, slicePositionMm: 10 + 5 * i })),
    results: study.results.filter((r) => r.imageId !== outside),
    skippedSlices: [
      {
        imageId: outside,
        kind: 'outside-domain',
        reason:
          "outside the mid-axial slab the models know: it lies at 12% of the head's inferior-superior extent (the slab is 40% to 75%)",
      },
    ],
    score: 0.3,
    aboveThreshold: true,
    imageScoreThreshold: 0.15,
    hottestImageId: study.images[3].id,
    hottestSliceIndex: 3,
  };
}

/** The 1-based place in the stack the slider shows. */
const sliceShown = () => (screen.getByRole('slider', { name: 'Slice' }) as HTMLInputElement).value;

describe('Review of a volume', () => {
  it('shows the study verdict, says why a slice has no map, and H goes to the hottest slice', async () => {
    const study = volumeStudy();
    const fake = fakeReviewApi([study]);
    navigation.reviewQueue = [study.id];
    render(ViewHarness, { connection: fake.connection, view: Review as Component });
    const score = await screen.findByTestId('study-score');
    expect(score.textContent).toMatch(/Study score\s*0\.300 · AI: pathological/);

    await fireEvent.input(screen.getByRole('slider', { name: 'Slice' }), {
      target: { value: '1' },
    });
    const note = await screen.findByTestId('slice-not-mapped');
    expect(note.textContent).toMatch(/No map for this slice: outside the mid-axial slab/);
    expect(document.querySelector('canvas[aria-label="Anomaly map"]')).toBeNull();

    await fireEvent.keyDown(window, { key: 'h' });
    await waitFor(() => expect(sliceShown()).toBe('4'));
    expect(screen.getByTestId('slice-indicator').textContent).toMatch(/slice 4 \/ 4 · 25\.0 mm/);
    expect(screen.queryByTestId('slice-not-mapped')).toBeNull();
    expect(screen.getByRole('button', { name: 'Hottest slice' })).toHaveProperty('disabled', true);
  });

  it('keeps the three panes and the colour bar in place on a slice the run left out', async () => {
    const study = volumeStudy();
    const fake = fakeReviewApi([study]);
    navigation.reviewQueue = [study.id];
    render(ViewHarness, { connection: fake.connection, view: Review as Component });
    await fireEvent.input(await screen.findByRole('slider', { name: 'Slice' }), {
      target: { value: '4' },
    });
    const map = await waitFor(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('canvas[aria-label="Anomaly map"]');
      expect(canvas).not.toBeNull();
      return canvas!;
    });
    const mapped = { width: map.style.width, height: map.style.height };

    await fireEvent.input(screen.getByRole('slider', { name: 'Slice' }), {
      target: { value: '1' },
    });
    const note = await screen.findByTestId('slice-not-mapped');
    expect(note.textContent).toMatch(/No map for this slice: outside the mid-axial slab/);
    // The map's pane keeps its size, with the reason in it, and so does the reconstruction's.
    expect({ width: note.style.width, height: note.style.height }).toEqual(mapped);
    const figures = [...document.querySelectorAll('figure')].map((f) => f.textContent ?? '');
    expect(figures).toHaveLength(3);
    expect(figures[1]).toMatch(
      /Pseudo-healthy reconstruction\s*No reconstruction for this slice: outside the mid-axial slab/,
    );
    expect(document.querySelector('.colorbar-space')).not.toBeNull();
    expect(document.querySelectorAll('canvas')).toHaveLength(1);
  });
});
