import { describe, expect, it } from 'vitest';
import {
  actionForKey,
  controlTakesKey,
  shortcuts,
} from '../../../src-renderer/keyboard/shortcuts.ts';

describe('keyboard shortcut table', () => {
  it('moves through cases with left and right, and through slices with up, down and the page keys', () => {
    expect(actionForKey({ key: 'ArrowRight' })).toEqual({ action: 'nextCase' });
    expect(actionForKey({ key: 'ArrowLeft' })).toEqual({ action: 'previousCase' });
    expect(actionForKey({ key: 'ArrowDown' })).toEqual({ action: 'nextSlice' });
    expect(actionForKey({ key: 'ArrowUp' })).toEqual({ action: 'previousSlice' });
    expect(actionForKey({ key: 'PageDown' })).toEqual({ action: 'slicePageDown' });
    expect(actionForKey({ key: 'PageUp' })).toEqual({ action: 'slicePageUp' });
    expect(actionForKey({ key: 'Home' })).toEqual({ action: 'firstSlice' });
    expect(actionForKey({ key: 'End' })).toEqual({ action: 'lastSlice' });
  });

  it('gives each key one action, so no two shortcuts clash', () => {
    const seen = new Set<string>();
    for (const s of shortcuts)
      for (const key of s.keys) {
        const id = `${s.mod ? 'mod+' : ''}${s.shift === undefined ? '' : `shift=${s.shift}+`}${key}`;
        expect(seen.has(id), id).toBe(false);
        seen.add(id);
      }
  });

  it('selects window/level presets with the number keys', () => {
    expect(actionForKey({ key: '1' })).toEqual({ action: 'windowPreset', index: 0 });
    expect(actionForKey({ key: '9' })).toEqual({ action: 'windowPreset', index: 8 });
    expect(actionForKey({ key: '0' })).toBeNull();
  });

  it('gives one-key verdicts in either case, and Space resets the view', () => {
    expect(actionForKey({ key: 'n' })).toEqual({ action: 'verdictNormal' });
    expect(actionForKey({ key: 'P' })).toEqual({ action: 'verdictPathological' });
    expect(actionForKey({ key: 'f' })).toEqual({ action: 'verdictFlag' });
    expect(actionForKey({ key: 'o' })).toEqual({ action: 'toggleOverlay' });
    expect(actionForKey({ key: ' ' })).toEqual({ action: 'resetView' });
    expect(actionForKey({ key: '?', shiftKey: true })).toEqual({ action: 'toggleHelp' });
  });

  it("accepts the AI's verdict, reveals the reference and switches the heat scale by key", () => {
    expect(actionForKey({ key: 'a' })).toEqual({ action: 'acceptAi' });
    expect(actionForKey({ key: 'A', shiftKey: true })).toEqual({ action: 'acceptAi', stay: true });
    expect(actionForKey({ key: 'r' })).toEqual({ action: 'revealReference' });
    expect(actionForKey({ key: 's' })).toEqual({ action: 'toggleHeatScale' });
    // Ctrl+A stays the browser's select-all.
    expect(actionForKey({ key: 'a', ctrlKey: true })).toBeNull();
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

  it('corrects a verdict without moving on when Shift is held', () => {
    expect(actionForKey({ key: 'P', shiftKey: true })).toEqual({
      action: 'verdictPathological',
      stay: true,
    });
    expect(actionForKey({ key: 'N', shiftKey: true })).toEqual({
      action: 'verdictNormal',
      stay: true,
    });
    expect(actionForKey({ key: 'n' })).toEqual({ action: 'verdictNormal' });
  });

  it('leaves to a focused control every key it uses itself', () => {
    const element = (tag: string, type?: string) => {
      const e = document.createElement(tag);
      if (type) (e as HTMLInputElement).type = type;
      return e;
    };
    const slider = element('input', 'range');
    // The bug: an arrow on a focused slider changed the case instead of the slider.
    for (const key of ['ArrowRight', 'ArrowLeft', 'ArrowUp', 'ArrowDown', 'Home', 'End'])
      expect(controlTakesKey(slider, { key }), key).toBe(true);
    expect(controlTakesKey(slider, { key: 'n' })).toBe(false);
    expect(controlTakesKey(element('input'), { key: 'n' })).toBe(true);
    expect(controlTakesKey(element('input'), { key: 'z', ctrlKey: true })).toBe(true);
    expect(controlTakesKey(element('textarea'), { key: 'ArrowRight' })).toBe(true);
    expect(controlTakesKey(element('select'), { key: 'ArrowDown' })).toBe(true);
    expect(controlTakesKey(element('select'), { key: 'p' })).toBe(true);
    expect(controlTakesKey(element('button'), { key: ' ' })).toBe(true);
    expect(controlTakesKey(element('button'), { key: 'Enter' })).toBe(true);
    expect(controlTakesKey(element('button'), { key: 'ArrowRight' })).toBe(false);
    expect(controlTakesKey(element('input', 'checkbox'), { key: ' ' })).toBe(true);
    expect(controlTakesKey(element('input', 'radio'), { key: 'ArrowRight' })).toBe(true);
    // Escape still closes the help from a text field; nothing is taken from the page itself.
    expect(controlTakesKey(element('input'), { key: 'Escape' })).toBe(false);
    expect(controlTakesKey(document.body, { key: 'ArrowRight' })).toBe(false);
    expect(controlTakesKey(null, { key: 'n' })).toBe(false);
  });
});
