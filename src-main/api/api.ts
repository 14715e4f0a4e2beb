/**
 * The api every door uses: `call(method, params)` validates the method and its params with the
 * contract, runs the handler, checks the result, and turns any failure into an ApiError.
 */
import { EventEmitter } from 'node:events';
import { ApiError, badRequest, isMethodName, methods } from '../contract/index.ts';
import type { EventName, EventOf, MethodName, ResultOf } from '../contract/index.ts';
import type { ApiDeps } from './deps.ts';
import { toApiError } from './errors.ts';
import { createHandlers } from './handlers.ts';

export interface Api {
  call(method: string, params: unknown): Promise<unknown>;
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
  readonly deps: ApiDeps;
}

const forwardedJobEvents = [
  'job.queued',
  'job.started',
  'job.progress',
  'job.finished',
  'job.failed',
  'job.cancelled',
  'library.changed',
] as const satisfies readonly EventName[];

export function createApi(deps: ApiDeps): Api {
  const emitter = new EventEmitter();
  // Doors subscribe per connection; many windows or sockets are normal, not a leak.
  emitter.setMaxListeners(0);
  const emit = <E extends EventName>(event: E, payload: EventOf<E>) => emitter.emit(event, payload);
  for (const event of forwardedJobEvents) deps.runner.on(event, (payload) => emit(event, payload));
  // An import or a reconstruction that finished changed the library even if it said nothing.
  deps.runner.on('job.finished', ({ job }) => {
    if (job.kind === 'import') emit('library.changed', { reason: 'import' });
    if (job.kind === 'reconstruct') emit('library.changed', { reason: 'results' });
  });
  const handlers = createHandlers(deps, emit);

  async function invoke<M extends MethodName>(method: M, params: unknown): Promise<ResultOf<M>> {
    const schema = methods[method];
    const parsed = schema.params.safeParse(params ?? {});
    if (!parsed.success) throw badRequest(`params of ${method}`, parsed.error);
    const handler = handlers[method] as (params: unknown) => unknown;
    const result = await handler(parsed.data);
    // The result is checked too: a shape that drifted from the contract is our bug, said loudly.
    const checked = schema.result.safeParse(result);
    if (!checked.success) {
      throw new ApiError(
        'internal',
        `result of ${method} breaks the contract: ${checked.error.issues[0]?.message}`,
      );
    }
    return checked.data as ResultOf<M>;
  }

  return {
    deps,
    async call(method, params) {
      if (!isMethodName(method))
        throw new ApiError('unknown-method', `unknown method: ${String(method).slice(0, 64)}`);
      try {
        return await invoke(method, params);
      } catch (error) {
        throw toApiError(error);
      }
    },
    on(event, listener) {
      emitter.on(event, listener);
      return () => emitter.off(event, listener);
    },
  };
}
