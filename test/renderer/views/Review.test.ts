import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Component } from 'svelte';
import { navigation } from '../../../src-renderer/state/navigation.svelte.ts';
import { worklist } from '../../../src-renderer/worklist/worklist.svelte.ts';
import Review from '../../../src-renderer/views/Review.svelte';
import ViewHarness from './ViewHarness.svelte';
import { fakeReviewApi, fixtureStudy } from './reviewFixtures.ts';

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
});
