/**
 * The api over Electron IPC: one channel for calls, one for events. Every call's sender is
 * checked: it must be a frame of our own renderer (app://anomap), in a window we made.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { ApiError, eventNames } from '../contract/index.ts';
import type { ApiErrorBody } from '../contract/index.ts';
import type { Api } from '../api/index.ts';
import { toApiError } from '../api/index.ts';
import { IPC_CALL, IPC_EVENT, isAppUrl } from './origin.ts';

export type IpcAnswer = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };

/** The sender is trusted when its frame shows our renderer and its WebContents is ours. */
export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>,
  ours: (contents: WebContents) => boolean,
): boolean {
  const frame = event.senderFrame;
  return frame !== null && isAppUrl(frame.url) && ours(event.sender);
}

export function registerIpc(
  ipcMain: IpcMain,
  api: Api,
  ours: (contents: WebContents) => boolean,
): () => void {
  ipcMain.handle(IPC_CALL, async (event, method: unknown, params: unknown): Promise<IpcAnswer> => {
    if (!isTrustedSender(event, ours)) {
      // Errors cross IPC as plain data: an Error's class and fields would be lost on the way.
      return {
        ok: false,
        error: new ApiError('unauthorized', 'this frame may not call Anomap').toBody(),
      };
    }
    try {
      return { ok: true, result: await api.call(typeof method === 'string' ? method : '', params) };
    } catch (error) {
      return { ok: false, error: toApiError(error).toBody() };
    }
  });
  return () => ipcMain.removeHandler(IPC_CALL);
}

/** Pushes every api event to the given window's renderer. */
export function forwardEvents(api: Api, contents: WebContents): () => void {
  const offs = eventNames.map((event) =>
    api.on(event, (payload) => {
      if (!contents.isDestroyed()) contents.send(IPC_EVENT, { event, payload });
    }),
  );
  return () => {
    for (const off of offs) off();
  };
}
