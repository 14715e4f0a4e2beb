import { describe, expect, it, vi } from 'vitest';
import { methodNames } from '../../src-main/contract/index.ts';
import {
  denyAllPermissions,
  hardenWebContents,
  secureWebPreferences,
} from '../../src-main/app/security.ts';
import { isAppUrl } from '../../src-main/app/origin.ts';

vi.mock('electron', () => ({}));

type Handler = (event: { preventDefault: () => void }, url?: string) => void;

function fakeContents() {
  const handlers = new Map<string, Handler>();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents = {
    on: (name: string, handler: Handler) => handlers.set(name, handler),
    setWindowOpenHandler: (handler: typeof openHandler) => (openHandler = handler),
  };
  return {
    contents,
    fire(name: string, url?: string): boolean {
      const preventDefault = vi.fn();
      handlers.get(name)?.({ preventDefault }, url);
      return preventDefault.mock.calls.length > 0;
    },
    open: (url: string) => openHandler?.({ url }),
  };
}

describe('Electron security wiring', () => {
  it('locks down webPreferences: isolation, sandbox, no Node, no webviews', () => {
    const prefs = secureWebPreferences('/app/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(prefs.additionalArguments).toEqual([`--anomap-methods=${methodNames.join(',')}`]);
  });

  it('blocks navigation away from app://anomap, new windows and webviews', () => {
    const fake = fakeContents();
    hardenWebContents(fake.contents as unknown as Electron.WebContents);
    expect(fake.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(fake.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(fake.fire('will-navigate', 'app://anomap.evil/index.html')).toBe(true);
    expect(fake.fire('will-navigate', 'app://anomap/index.html')).toBe(false);
    expect(fake.fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(fake.fire('will-attach-webview')).toBe(true);
    expect(fake.open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(fake.open('app://anomap/index.html')).toEqual({ action: 'deny' });
  });

  it('recognises only our own origin, not look-alikes', () => {
    expect(isAppUrl('app://anomap/index.html')).toBe(true);
    expect(isAppUrl('app://anomap.evil.example/')).toBe(false);
    expect(isAppUrl('https://anomap/')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('denies every permission request and check', () => {
    let request: ((c: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    denyAllPermissions({
      setPermissionRequestHandler: (h: typeof request) => (request = h),
      setPermissionCheckHandler: (h: typeof check) => (check = h),
    } as unknown as Electron.Session);
    const answer = vi.fn();
    request?.(null, 'media', answer);
    expect(answer).toHaveBeenCalledWith(false);
    expect(check?.()).toBe(false);
  });
});
