import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A stand-in for the electron module: records what main.ts asks of it. */
const electron = vi.hoisted(() => {
  const appHandlers = new Map<string, (...args: unknown[]) => void>();
  const state = {
    lock: true,
    windows: [] as Array<{ options: Record<string, unknown>; url?: string }>,
    schemes: [] as unknown[],
    protocols: [] as string[],
    ipcChannels: [] as string[],
    quit: 0,
    exits: 0,
    appHandlers,
  };
  return state;
});

vi.mock('electron', () => {
  class BrowserWindow {
    webContents = { send() {}, isDestroyed: () => false };
    constructor(readonly options: Record<string, unknown>) {
      electron.windows.push({ options });
    }
    loadURL(url: string) {
      electron.windows.at(-1)!.url = url;
      return Promise.resolve();
    }
    once() {}
    on() {}
    maximize() {}
  }
  return {
    BrowserWindow,
    Menu: { setApplicationMenu() {}, buildFromTemplate: (template: unknown) => template },
    app: {
      requestSingleInstanceLock: () => electron.lock,
      quit: () => electron.quit++,
      exit: () => electron.exits++,
      on: (name: string, handler: (...args: unknown[]) => void) =>
        electron.appHandlers.set(name, handler),
      whenReady: () => Promise.resolve(),
      getPath: () => join(tmpdir(), 'anomap-userdata-test'),
      getVersion: () => '0.0.0',
      isPackaged: false,
    },
    dialog: {
      showErrorBox: (title: string, message: string) => console.error(title, message),
      showMessageBox() {},
    },
    ipcMain: {
      handle: (channel: string) => electron.ipcChannels.push(channel),
      removeHandler() {},
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => electron.schemes.push(...schemes),
      handle: (scheme: string) => electron.protocols.push(scheme),
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {} },
    },
    shell: { openPath() {} },
    utilityProcess: { fork() {} },
  };
});

let libraryDir: string;
beforeEach(() => {
  libraryDir = mkdtempSync(join(tmpdir(), 'anomap-main-'));
  vi.stubEnv('ANOMAP_LIBRARY', libraryDir);
  Object.assign(electron, {
    lock: true,
    windows: [],
    schemes: [],
    protocols: [],
    ipcChannels: [],
    quit: 0,
  });
  electron.appHandlers.clear();
  vi.resetModules();
});
afterEach(async () => {
  await electron.appHandlers.get('will-quit')?.({ preventDefault() {} });
  vi.unstubAllEnvs();
  rmSync(libraryDir, { recursive: true, force: true });
});

async function loadMain(): Promise<void> {
  await import('../../src-main/app/main.ts');
  await vi.waitFor(() => {
    if (electron.lock && electron.windows.length === 0) throw new Error('no window yet');
  });
}

describe('Electron main process wiring', () => {
  it('serves the renderer through a privileged app:// scheme and loads it in a locked-down window', async () => {
    await loadMain();
    expect(electron.schemes).toEqual([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      }),
    ]);
    expect(electron.protocols).toEqual(['app']);
    expect(electron.ipcChannels).toEqual(['anomap:call']);
    const [window] = electron.windows;
    expect(window.url).toBe('app://anomap/index.html');
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(String((window.options.webPreferences as { preload: string }).preload)).toMatch(
      /preload\.cjs$/,
    );
    expect(electron.appHandlers.has('web-contents-created')).toBe(true);
  });

  it('closes the library and the engine before quitting', async () => {
    await loadMain();
    const preventDefault = vi.fn();
    electron.appHandlers.get('will-quit')?.({ preventDefault });
    expect(preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(electron.exits).toBe(1));
    const jobs = JSON.parse(readFileSync(join(libraryDir, 'jobs.json'), 'utf8'));
    expect(jobs).toEqual({ version: 1, jobs: [] });
  });

  it('quits at once when another instance holds the lock', async () => {
    electron.lock = false;
    await loadMain();
    expect(electron.quit).toBe(1);
    expect(electron.windows).toEqual([]);
    expect(electron.appHandlers.has('second-instance')).toBe(false);
  });
});
