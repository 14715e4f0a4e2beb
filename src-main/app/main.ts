/**
 * The Electron main process: one instance, one window on app://anomap, the api behind IPC,
 * the engine in a utility process. Kept thin; what it wires is tested below it.
 */
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BrowserWindow,
  Menu,
  app,
  dialog,
  ipcMain,
  protocol,
  screen,
  session,
  shell,
  utilityProcess,
} from 'electron';
import type { WebContents } from 'electron';
import { openAnomap, packageRoot } from '../api/index.ts';
import type { Anomap } from '../api/index.ts';
import { defaultLibraryDir } from '../library/index.ts';
import { routes } from '../contract/index.ts';
import { utilityProcessEngine } from './engine.ts';
import { forwardEvents, registerIpc } from './ipc.ts';
import { menuTemplate } from './menu.ts';
import { APP_ENTRY, APP_ORIGIN, APP_SCHEME } from './origin.ts';
import { createProtocolHandler } from './protocol.ts';
import { denyAllPermissions, hardenWebContents, secureWebPreferences } from './security.ts';
import { DEFAULT_SIZE, loadWindowState, restoreBounds, saveWindowState } from './window-state.ts';

const here = dirname(fileURLToPath(import.meta.url));
const ourContents = new Set<WebContents>();
let mainWindow: BrowserWindow | null = null;
let anomap: Anomap | null = null;

// Must happen before 'ready': app:// gets a real, secure origin with fetch support.
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
  },
]);

function windowStateFile(): string {
  return join(app.getPath('userData'), 'window-state.json');
}

function createWindow(): BrowserWindow {
  const saved = loadWindowState(windowStateFile());
  const bounds = restoreBounds(
    saved,
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const window = new BrowserWindow({
    ...(bounds ?? DEFAULT_SIZE),
    minWidth: 800,
    minHeight: 600,
    show: false,
    title: 'Anomap',
    backgroundColor: '#111111',
    webPreferences: secureWebPreferences(join(here, 'preload.cjs')),
  });
  if (saved?.maximized) window.maximize();
  ourContents.add(window.webContents);
  const stopEvents = anomap ? forwardEvents(anomap.api, window.webContents) : () => undefined;
  window.once('ready-to-show', () => window.show());
  window.on('close', () =>
    saveWindowState(windowStateFile(), {
      ...window.getNormalBounds(),
      maximized: window.isMaximized(),
    }),
  );
  window.on('closed', () => {
    stopEvents();
    ourContents.delete(window.webContents);
    mainWindow = null;
  });
  void window.loadURL(APP_ENTRY);
  return window;
}

async function start(): Promise<void> {
  await app.whenReady();
  denyAllPermissions(session.defaultSession);
  const libraryDir = defaultLibraryDir();
  anomap = openAnomap({
    libraryDir,
    door: 'electron',
    spawnEngine: utilityProcessEngine(utilityProcess.fork, join(here, '..', 'jobs', 'worker.js')),
    urls: {
      image: (hash) => `${APP_ORIGIN}${routes.image(hash)}`,
      pixels: (hash) => `${APP_ORIGIN}${routes.pixels(hash)}`,
      exportFile: (name) => `${APP_ORIGIN}${routes.export(name)}`,
    },
  });
  protocol.handle(
    APP_SCHEME,
    createProtocolHandler({
      api: anomap.api,
      rendererDir: join(packageRoot(), 'dist', 'renderer'),
    }),
  );
  registerIpc(ipcMain, anomap.api, (contents) => ourContents.has(contents));
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        isMac: process.platform === 'darwin',
        isDev: !app.isPackaged,
        actions: {
          showLibraryFolder: () => void shell.openPath(libraryDir),
          showAbout: () =>
            void dialog.showMessageBox({
              message: `Anomap ${app.getVersion()}`,
              detail: `Library: ${libraryDir}`,
            }),
        },
      }),
    ),
  );
  mainWindow = createWindow();
}

app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!mainWindow && anomap) mainWindow = createWindow();
  });
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed || !anomap) return;
    // Stop the engine processes (training resumes next launch) and close the database cleanly
    // before the process ends.
    event.preventDefault();
    closed = true;
    void anomap.close().finally(() => app.exit(0));
  });
  start().catch((error: unknown) => {
    dialog.showErrorBox(
      'Anomap could not start',
      error instanceof Error ? error.message : String(error),
    );
    app.exit(1);
  });
}
