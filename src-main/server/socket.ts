/**
 * The api over one WebSocket: requests answered by id, every event pushed to every socket.
 */
import type { WebSocket } from 'ws';
import { ApiError, RequestMessageSchema, eventNames } from '../contract/index.ts';
import type { ResponseMessage } from '../contract/index.ts';
import type { Api } from '../api/index.ts';
import { toApiError } from '../api/index.ts';

export function serveSocket(socket: WebSocket, api: Api): void {
  const send = (message: unknown) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const unsubscribe = eventNames.map((event) =>
    api.on(event, (payload) => send({ type: 'event', event, payload })),
  );
  socket.on('close', () => {
    for (const off of unsubscribe) off();
  });
  // A message over the size limit, a text frame that is not UTF-8, a malformed frame: ws is
  // already closing this socket with the matching code (1009, 1007, 1002); the error itself
  // must not reach the process, where nothing else listens for it.
  socket.on('error', () => {});

  socket.on('message', async (data, isBinary) => {
    let raw: unknown;
    try {
      raw = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      raw = undefined;
    }
    const parsed = RequestMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const id =
        typeof (raw as { id?: unknown } | undefined)?.id === 'number'
          ? (raw as { id: number }).id
          : -1;
      send({
        type: 'response',
        id,
        ok: false,
        error: new ApiError('bad-request', 'not a request message').toBody(),
      });
      return;
    }
    const { id, method, params } = parsed.data;
    let response: ResponseMessage;
    try {
      response = { type: 'response', id, ok: true, result: await api.call(method, params) };
    } catch (error) {
      response = { type: 'response', id, ok: false, error: toApiError(error).toBody() };
    }
    send(response);
  });
}
