import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadWindowState,
  restoreBounds,
  saveWindowState,
} from '../../src-main/app/window-state.ts';
import { menuTemplate } from '../../src-main/app/menu.ts';

vi.mock('electron', () => ({}));

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const screen = { x: 0, y: 0, width: 1920, height: 1080 };

describe('window state', () => {
  it('saves and restores the bounds and maximised state', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anomap-window-'));
    dirs.push(dir);
    const file = join(dir, 'state', 'window.json');
    const state = { x: 100, y: 80, width: 1200, height: 800, maximized: true };
    saveWindowState(file, state);
    expect(loadWindowState(file)).toEqual(state);
    expect(restoreBounds(loadWindowState(file), [screen])).toEqual({
      x: 100,
      y: 80,
      width: 1200,
      height: 800,
    });
  });

  it('falls back to the default for a damaged file or a window left on a screen that is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anomap-window-'));
    dirs.push(dir);
    const file = join(dir, 'window.json');
    writeFileSync(file, '{"x": "left"');
    expect(loadWindowState(file)).toBeNull();
    expect(loadWindowState(join(dir, 'missing.json'))).toBeNull();
    const offScreen = { x: 5000, y: 0, width: 1200, height: 800, maximized: false };
    expect(restoreBounds(offScreen, [screen])).toBeNull();
  });
});

describe('menu', () => {
  const actions = { showLibraryFolder: vi.fn(), showAbout: vi.fn() };
  const roles = (template: ReturnType<typeof menuTemplate>) => JSON.stringify(template);

  it('offers developer tools only in a development build', () => {
    expect(roles(menuTemplate({ isMac: false, isDev: true, actions }))).toContain('toggleDevTools');
    expect(roles(menuTemplate({ isMac: false, isDev: false, actions }))).not.toContain(
      'toggleDevTools',
    );
  });

  it('has the macOS app menu on a Mac only', () => {
    expect(menuTemplate({ isMac: true, isDev: false, actions })[0]).toEqual({ role: 'appMenu' });
    expect(menuTemplate({ isMac: false, isDev: false, actions })[0]).toMatchObject({
      label: 'File',
    });
  });
});
