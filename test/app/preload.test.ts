import { beforeEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import ts from 'typescript';
import {
  ApiError,
  BRIDGE_ERROR_PREFIX,
  asApiError,
  methodNames,
} from '../../src-main/contract/index.ts';
import type { ApiClient } from '../../src-main/contract/index.ts';

const exposed = new Map<string, unknown>();
const invoke = vi.fn();
const listeners = new Map<string, (event: unknown, message: unknown) => void>();
const electron = {
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
  ipcRenderer: {
    invoke,
    on: (channel: string, listener: (event: unknown, message: unknown) => void) =>
      listeners.set(channel, listener),
  },
};

/**
 * Runs the preload as Electron's sandbox does: compiled to CommonJS, with a `require` that knows
 * only 'electron'. Anything else it tried to load would throw here, as it would in the app.
 */
function loadPreload(): ApiClient {
  exposed.clear();
  listeners.clear();
  const source = readFileSync(new URL('../../src-main/app/preload.cts', import.meta.url), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const sandboxRequire = (name: string) => {
    if (name === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require ${name}`);
  };
  const module = { exports: {} };
  const argv = ['electron', '.', `--anomap-methods=${methodNames.join(',')}`];
  runInNewContext(outputText, {
    require: sandboxRequire,
    module,
    exports: module.exports,
    process: { argv },
  });
  return exposed.get('anomap') as ApiClient;
}

beforeEach(() => {
  invoke.mockReset();
});

describe('preload bridge', () => {
  it('exposes exactly one object, with one method per request and on(), nothing raw', async () => {
    const api = loadPreload();
    expect([...exposed.keys()]).toEqual(['anomap']);
    expect(Object.keys(api).sort()).toEqual([...methodNames, 'on'].sort());
    expect(api).not.toHaveProperty('ipcRenderer');
    expect(api).not.toHaveProperty('invoke');
  });

  it('calls the api over the one IPC channel and returns its result', async () => {
    const api = loadPreload();
    invoke.mockResolvedValue({ ok: true, result: { ok: true, version: '1' } });
    expect(await api.health()).toEqual({ ok: true, version: '1' });
    expect(invoke).toHaveBeenCalledWith('anomap:call', 'health', {});
  });

  it('rejects with an error the renderer turns back into a typed ApiError', async () => {
    const api = loadPreload();
    invoke.mockResolvedValue({
      ok: false,
      error: { code: 'not-found', message: 'study 9 does not exist' },
    });
    const error = asApiError(await api.getStudy({ studyId: 9 }).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'not-found', message: 'study 9 does not exist' });
  });

  it('delivers pushed events to subscribers until they unsubscribe', async () => {
    const api = loadPreload();
    const seen: unknown[] = [];
    const off = api.on('library.changed', (payload) => seen.push(payload));
    const push = listeners.get('anomap:event');
    push?.({}, { event: 'library.changed', payload: { reason: 'import' } });
    push?.({}, { event: 'job.queued', payload: {} });
    off();
    push?.({}, { event: 'library.changed', payload: { reason: 'label' } });
    expect(seen).toEqual([{ reason: 'import' }]);
  });

  it('uses the same error prefix as the contract', () => {
    const source = readFileSync(new URL('../../src-main/app/preload.cts', import.meta.url), 'utf8');
    expect(source).toContain(`const BRIDGE_ERROR_PREFIX = '${BRIDGE_ERROR_PREFIX}';`);
  });
});
