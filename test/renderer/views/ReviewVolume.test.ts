/**
 * Review of a study as a volume (issue 21): the study's one score and verdict, a slice outside
 * the models' domain says so instead of showing a map, and H (or the button) goes to the hottest
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

const sliceShown = () =>
  (screen.getByRole('combobox', { name: 'Slice' }) as HTMLSelectElement).value;

describe('Review of a volume', () => {
  it('shows the study verdict, says why a slice has no map, and H goes to the hottest slice', async () => {
    const study = volumeStudy();
    const fake = fakeReviewApi([study]);
    navigation.reviewQueue = [study.id];
    render(ViewHarness, { connection: fake.connection, view: Review as Component });
    const score = await screen.findByTestId('study-score');
    expect(score.textContent).toMatch(/Study score\s*0\.300 · AI: pathological/);

    await fireEvent.change(screen.getByRole('combobox', { name: 'Slice' }), {
      target: { value: String(study.images[0].id) },
    });
    const note = await screen.findByTestId('slice-not-mapped');
    expect(note.textContent).toMatch(/No map for this slice: outside the mid-axial slab/);
    expect(document.querySelector('canvas[aria-label="Anomaly map"]')).toBeNull();

    await fireEvent.keyDown(window, { key: 'h' });
    await waitFor(() => expect(sliceShown()).toBe(String(study.images[3].id)));
    expect(screen.queryByTestId('slice-not-mapped')).toBeNull();
    expect(screen.getByRole('button', { name: 'Hottest slice' })).toHaveProperty('disabled', true);
  });
});
