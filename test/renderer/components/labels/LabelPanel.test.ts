import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { emptyDraft } from '../../../../src-renderer/components/labels/labelDraft.ts';
import LabelToolsHarness from './LabelToolsHarness.svelte';

const withBox = {
  ...emptyDraft(),
  boxes: [{ key: 'b1', imageId: 1, finding: 'Mass', box: { x: 4, y: 5, width: 10, height: 12 } }],
};

describe('label panel', () => {
  it('sets a verdict, undoes it and redoes it from the buttons', async () => {
    render(LabelToolsHarness, { initial: emptyDraft() });
    const normal = screen.getByRole('button', { name: /Normal/ });
    const undoButton = screen.getByRole('button', { name: /Undo/ });
    const redoButton = screen.getByRole('button', { name: /Redo/ });
    expect(normal.getAttribute('aria-pressed')).toBe('false');
    expect((undoButton as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.click(normal);
    expect(normal.getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByText('done')).toBeTruthy();

    await fireEvent.click(undoButton);
    expect(normal.getAttribute('aria-pressed')).toBe('false');
    expect((redoButton as HTMLButtonElement).disabled).toBe(false);

    await fireEvent.click(redoButton);
    expect(normal.getAttribute('aria-pressed')).toBe('true');
  });

  it('deletes a box and brings it back with undo', async () => {
    render(LabelToolsHarness, { initial: withBox });
    const boxes = screen.getByRole('list', { name: 'Boxes' });
    expect(boxes.textContent).toContain('10×12');

    await fireEvent.click(screen.getByRole('button', { name: 'Delete box Mass' }));
    expect(boxes.textContent).not.toContain('10×12');

    await fireEvent.click(screen.getByRole('button', { name: /Undo/ }));
    expect(boxes.textContent).toContain('10×12');
  });

  it('flags a case as uncertain with the Flag button', async () => {
    render(LabelToolsHarness, { initial: emptyDraft() });
    await fireEvent.click(screen.getByRole('button', { name: /Flag/ }));
    expect(screen.getByRole('button', { name: /Flag/ }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByText('flagged')).toBeTruthy();
  });

  it('asks for a finding for new boxes instead of taking the first one', () => {
    render(LabelToolsHarness, { initial: emptyDraft(), boxFinding: '' });
    const select = screen.getByRole('combobox', { name: 'Finding for new boxes' });
    expect((select as HTMLSelectElement).value).toBe('');
    expect(select.textContent).toContain('choose a finding');
  });

  it('warns when a case labelled normal has a box', async () => {
    render(LabelToolsHarness, { initial: withBox });
    expect(screen.queryByRole('alert')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: /Normal/ }));
    expect(screen.getByRole('alert').textContent).toContain('labelled normal but has a box');
  });
});
