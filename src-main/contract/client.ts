/**
 * The typed client every door hands to the renderer: one method per request and `on(event)`.
 * The Electron preload bridge and the browser WebSocket client both implement it.
 */
import type { EventName, EventOf } from './events.ts';
import type { MethodName, ParamsOf, ResultOf } from './methods.ts';

/** Methods whose params are all optional may be called with no argument. */
type ArgsOf<M extends MethodName> =
  Record<never, never> extends ParamsOf<M> ? [params?: ParamsOf<M>] : [params: ParamsOf<M>];

export type ApiMethods = {
  [M in MethodName]: (...args: ArgsOf<M>) => Promise<ResultOf<M>>;
};

export type EventListener<E extends EventName> = (payload: EventOf<E>) => void;

export interface ApiEvents {
  /** Subscribe to an event; returns the function that unsubscribes. */
  on<E extends EventName>(event: E, listener: EventListener<E>): () => void;
}

export type ApiClient = ApiMethods & ApiEvents;

/**
 * Builds an ApiClient from one generic `call` (what differs between IPC and WebSocket), so the
 * method list is written once, here.
 */
export function createApiClient(
  call: (method: MethodName, params: unknown) => Promise<unknown>,
  on: ApiEvents['on'],
  names: readonly MethodName[],
): ApiClient {
  const client: Record<string, unknown> = { on };
  for (const name of names) {
    client[name] = (params?: unknown) => call(name, params ?? {});
  }
  return client as unknown as ApiClient;
}
