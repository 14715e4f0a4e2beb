/**
 * Electron's security checklist, in one place: locked-down webPreferences, no navigation, no
 * new windows, no webviews, no permissions.
 */
import type { WebContents, WebPreferences } from 'electron';
import { methodNames } from '../contract/index.ts';
import { METHODS_ARG, isAppUrl } from './origin.ts';

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    additionalArguments: [`${METHODS_ARG}${methodNames.join(',')}`],
  };
}

/** Applied to every WebContents the app creates: it may show our pages and nothing else. */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** A radiology viewer needs no camera, microphone, location or notifications. */
export function denyAllPermissions(session: Electron.Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
