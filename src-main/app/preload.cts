/**
 * The preload: exposes one object, `window.anomap`, implementing the contract's ApiClient over
 * IPC. Nothing raw (no ipcRenderer, no Node) reaches the page. A sandboxed preload can require
 * only 'electron', so this file imports nothing else at run time; the method names come from
 * the main process in process.argv (secureWebPreferences), the contract being their one source.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { ApiClient, EventName } from '../contract/index.ts';

const IPC_CALL = 'anomap:call';
const IPC_EVENT = 'anomap:event';
const METHODS_ARG = '--anomap-methods=';
/** Must equal BRIDGE_ERROR_PREFIX in contract/bridge-errors.ts (a test checks it). */
const BRIDGE_ERROR_PREFIX = 'anomap-api-error:';

type Answer = { ok: true; result: unknown } | { ok: false; error: unknown };
type Listener = (payload: unknown) => void;

function methodNamesFromArgs(argv: readonly string[]): string[] {
  const arg = argv.find((value) => value.startsWith(METHODS_ARG));
  return arg
    ? arg
        .slice(METHODS_ARG.length)
        .split(',')
        .filter((name) => /^[A-Za-z]+$/.test(name))
    : [];
}

export function buildBridge(argv: readonly string[]): ApiClient {
  const listeners = new Map<string, Set<Listener>>();
  ipcRenderer.on(IPC_EVENT, (_event, message: { event: string; payload: unknown }) => {
    for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
  });

  const bridge: Record<string, unknown> = {
    on(event: EventName, listener: Listener): () => void {
      const set = listeners.get(event) ?? new Set<Listener>();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  for (const name of methodNamesFromArgs(argv)) {
    bridge[name] = async (params?: unknown) => {
      const answer = (await ipcRenderer.invoke(IPC_CALL, name, params ?? {})) as Answer;
      if (answer.ok) return answer.result;
      throw new Error(`${BRIDGE_ERROR_PREFIX}${JSON.stringify(answer.error)}`);
    };
  }
  return bridge as unknown as ApiClient;
}

contextBridge.exposeInMainWorld('anomap', buildBridge(process.argv));
