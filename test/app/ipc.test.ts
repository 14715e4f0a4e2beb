import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { forwardEvents, registerIpc } from '../../src-main/app/ipc.ts';
import type { IpcAnswer } from '../../src-main/app/ipc.ts';
import { appHarness } from './harness.ts';
import type { AppHarness } from './harness.ts';

vi.mock('electron', () => ({}));

let harness: AppHarness;
beforeAll(async () => {
  harness = await appHarness();
});
afterAll(() => harness.close());

type InvokeHandler = (event: unknown, ...args: unknown[]) => Promise<IpcAnswer>;

function fakeIpcMain() {
  const handlers = new Map<string, InvokeHandler>();
  return {
    handlers,
    ipcMain: {
      handle: (channel: string, handler: InvokeHandler) => handlers.set(channel, handler),
      removeHandler: vi.fn(),
    },
  };
}

const ours = { id: 1 };
const stranger = { id: 2 };

describe('IPC with sender checks', () => {
  function setup() {
    const fake = fakeIpcMain();
    registerIpc(
      fake.ipcMain as unknown as Electron.IpcMain,
      harness.api,
      (contents) => contents === (ours as unknown),
    );
    const call = fake.handlers.get('anomap:call');
    if (!call) throw new Error('anomap:call was not registered');
    return (frameUrl: string | null, sender: object, method: unknown, params: unknown) =>
      call({ senderFrame: frameUrl === null ? null : { url: frameUrl }, sender }, method, params);
  }

  it('answers our renderer', async () => {
    const invoke = setup();
    expect(await invoke('app://anomap/index.html', ours, 'health', {})).toEqual({
      ok: true,
      result: { ok: true, version: '0.0.1' },
    });
  });

  it('refuses a frame from another origin, a look-alike, a missing frame and a window not ours', async () => {
    const invoke = setup();
    for (const [url, sender] of [
      ['https://evil.example/', ours],
      ['app://anomap.evil/', ours],
      [null, ours],
      ['app://anomap/index.html', stranger],
    ] as const) {
      const answer = await invoke(url, sender, 'health', {});
      expect(answer.ok, String(url)).toBe(false);
      if (!answer.ok) expect(answer.error.code).toBe('unauthorized');
    }
  });

  it('answers bad params and a non-string method name with typed errors', async () => {
    const invoke = setup();
    const bad = await invoke('app://anomap/', ours, 'getStudy', { studyId: 'x' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const weird = await invoke('app://anomap/', ours, { toString: 1 }, {});
    expect(weird).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
  });

  it('forwards api events to the window until it is closed', async () => {
    const send = vi.fn();
    const contents = { send, isDestroyed: () => false };
    const stop = forwardEvents(harness.api, contents as unknown as Electron.WebContents);
    await harness.api.call('setLabel', {
      studyId: harness.fixture.studyId,
      label: { status: 'in-progress' },
    });
    expect(send).toHaveBeenCalledWith('anomap:event', {
      event: 'library.changed',
      payload: { reason: 'label', studyIds: [harness.fixture.studyId] },
    });
    stop();
    send.mockClear();
    await harness.api.call('setLabel', {
      studyId: harness.fixture.studyId,
      label: { status: 'done' },
    });
    expect(send).not.toHaveBeenCalled();
  });
});
