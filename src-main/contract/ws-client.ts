/**
 * The browser-mode ApiClient: requests and events over one WebSocket to the local server.
 * Runs in the browser (and in Node 22, which has a global WebSocket); no Node imports.
 */
import type { ApiClient, EventListener } from './client.ts';
import { createApiClient } from './client.ts';
import { ApiError } from './errors.ts';
import type { EventName } from './events.ts';
import { isEventName } from './events.ts';
import { methodNames } from './methods.ts';
import type { MethodName } from './methods.ts';
import { ServerMessageSchema, routes } from './wire.ts';

export interface WsClientOptions {
  /** Origin of the server, e.g. "http://127.0.0.1:8470" (default: the page's origin). */
  baseUrl?: string;
  /** The per-launch token (default: `?token=` of the page's URL). */
  token?: string;
  /** The WebSocket class (default: the global one; Node 20 tools pass the `ws` package's). */
  WebSocketImpl?: typeof WebSocket;
}

export interface WsApiClient extends ApiClient {
  /** Resolves once the socket is open. */
  ready: Promise<void>;
  close(): void;
}

function socketUrl(baseUrl: string, token: string | null): string {
  const url = new URL(routes.socket, baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  // Without a token in the page's address, the cookie set when the page loaded is sent.
  if (token) url.searchParams.set('token', token);
  return url.toString();
}

/** Reads the token from the address the server printed (`/?token=...`). */
export function tokenFromLocation(href: string): string | null {
  return new URL(href).searchParams.get('token');
}

export function connectWsClient(options: WsClientOptions = {}): WsApiClient {
  const here = typeof location === 'undefined' ? undefined : location.href;
  const baseUrl = options.baseUrl ?? here;
  const token = options.token ?? (here ? tokenFromLocation(here) : null);
  if (!baseUrl) throw new Error('connectWsClient: need the address of the Anomap server');

  const Socket = options.WebSocketImpl ?? WebSocket;
  const socket = new Socket(socketUrl(baseUrl, token));
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let nextId = 1;

  const ready = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error(`cannot connect to ${baseUrl}`)), {
      once: true,
    });
  });
  // A rejected `ready` nobody awaits must not become an unhandled rejection.
  ready.catch(() => undefined);

  socket.addEventListener('message', (event: MessageEvent) => {
    if (typeof event.data !== 'string') return;
    const parsed = ServerMessageSchema.safeParse(JSON.parse(event.data));
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === 'event') {
      if (!isEventName(message.event)) return;
      for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
      return;
    }
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(ApiError.fromBody(message.error));
  });

  socket.addEventListener('close', () => {
    for (const waiter of pending.values())
      waiter.reject(new ApiError('internal', 'connection to Anomap closed'));
    pending.clear();
  });

  async function call(method: MethodName, params: unknown): Promise<unknown> {
    await ready;
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ type: 'request', id, method, params }));
    });
  }

  function on<E extends EventName>(event: E, listener: EventListener<E>): () => void {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    const untyped = listener as (payload: unknown) => void;
    set.add(untyped);
    return () => set.delete(untyped);
  }

  const client = createApiClient(call, on, methodNames);
  return Object.assign(client, { ready, close: () => socket.close() });
}
