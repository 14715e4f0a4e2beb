/** An api client for the PACS components' tests: records calls and emits events on demand. */
import type { ApiClient, Job, PacsEndpointStatus } from '../../../../src-renderer/api/types.ts';
import type { Connection } from '../../../../src-renderer/api/client.ts';

export const orthancEndpoint: PacsEndpointStatus = {
  id: 'e1',
  name: 'Orthanc',
  url: 'http://127.0.0.1:8042/dicom-web',
  authKind: 'basic',
  user: 'reader',
  timeoutSeconds: 60,
  hasSessionSecret: true,
};

export function job(spec: Job['spec'], extra: Partial<Job> = {}): Job {
  return {
    id: 'job-1',
    kind: spec.kind,
    spec,
    priority: 'normal',
    status: 'queued',
    progress: null,
    createdAt: '2025-01-01T00:00:00Z',
    startedAt: null,
    finishedAt: null,
    error: null,
    result: null,
    ...extra,
  };
}

export function fakeConnection(methods: Record<string, (params: never) => unknown>) {
  const calls: { method: string; params: unknown }[] = [];
  const listeners = new Map<string, ((payload: unknown) => void)[]>();
  const api = new Proxy(
    {},
    {
      get(_, name: string) {
        if (name === 'on')
          return (event: string, listener: (payload: unknown) => void) => {
            listeners.set(event, [...(listeners.get(event) ?? []), listener]);
            return () => undefined;
          };
        return async (params: never) => {
          calls.push({ method: name, params });
          const method = methods[name];
          if (!method) throw new Error(`unexpected call ${name}`);
          return method(params);
        };
      },
    },
  ) as ApiClient;
  const connection: Connection = { api, door: 'browser', authorise: (url) => url };
  return {
    connection,
    calls,
    emit(event: string, payload: unknown) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
  };
}
