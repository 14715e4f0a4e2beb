import { describe, expect, it } from 'vitest';
import {
  actionForKey,
  isTypingTarget,
  shortcuts,
} from '../../../src-renderer/keyboard/shortcuts.ts';

describe('keyboard shortcut table', () => {
  it('moves through cases with the arrow keys', () => {
    expect(actionForKey({ key: 'ArrowRight' })).toEqual({ action: 'nextCase' });
    expect(actionForKey({ key: 'ArrowDown' })).toEqual({ action: 'nextCase' });
    expect(actionForKey({ key: 'ArrowLeft' })).toEqual({ action: 'previousCase' });
  });

  it('selects window/level presets with the number keys', () => {
    expect(actionForKey({ key: '1' })).toEqual({ action: 'windowPreset', index: 0 });
    expect(actionForKey({ key: '9' })).toEqual({ action: 'windowPreset', index: 8 });
    expect(actionForKey({ key: '0' })).toBeNull();
  });

  it('gives one-key verdicts in either case, and Space resets the view', () => {
    expect(actionForKey({ key: 'n' })).toEqual({ action: 'verdictNormal' });
    expect(actionForKey({ key: 'P', shiftKey: true })).toEqual({ action: 'verdictPathological' });
    expect(actionForKey({ key: 'f' })).toEqual({ action: 'verdictFlag' });
    expect(actionForKey({ key: 'o' })).toEqual({ action: 'toggleOverlay' });
    expect(actionForKey({ key: ' ' })).toEqual({ action: 'resetView' });
    expect(actionForKey({ key: '?', shiftKey: true })).toEqual({ action: 'toggleHelp' });
  });

  it('tells undo from redo by Shift and needs Ctrl or Cmd', () => {
    expect(actionForKey({ key: 'z', ctrlKey: true })).toEqual({ action: 'undo' });
    expect(actionForKey({ key: 'Z', ctrlKey: true, shiftKey: true })).toEqual({ action: 'redo' });
    expect(actionForKey({ key: 'z', metaKey: true })).toEqual({ action: 'undo' });
    expect(actionForKey({ key: 'y', ctrlKey: true })).toEqual({ action: 'redo' });
    // Ctrl+N is the browser's, not a verdict.
    expect(actionForKey({ key: 'n', ctrlKey: true })).toBeNull();
  });

  it('binds no key combination to two actions', () => {
    const seen = new Set<string>();
    for (const s of shortcuts) {
      for (const key of s.keys) {
        const id = `${key}|${Boolean(s.mod)}|${Boolean(s.shift)}`;
        expect(seen.has(id), `${id} bound twice`).toBe(false);
        seen.add(id);
      }
    }
  });

  it('does not fire shortcuts while typing in a text field', () => {
    const text = document.createElement('input');
    const slider = document.createElement('input');
    slider.type = 'range';
    expect(isTypingTarget(text)).toBe(true);
    expect(isTypingTarget(document.createElement('textarea'))).toBe(true);
    expect(isTypingTarget(slider)).toBe(false);
    expect(isTypingTarget(document.body)).toBe(false);
  });
});
