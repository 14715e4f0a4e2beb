/**
 * The one api client of the renderer: the preload bridge `window.anomap` in Electron, or a
 * WebSocket client to the local server in browser mode. Views receive it from App.svelte and
 * never reach past it.
 */
import { decodePixels, type RawPixels } from '../../src-main/contract/index.ts';
import { connectWsClient } from '../../src-main/contract/ws-client.ts';
import type { ApiClient } from './types.ts';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge). */
    anomap?: ApiClient;
  }
}

export type Door = 'electron' | 'browser';

export interface Connection {
  api: ApiClient;
  door: Door;
  /** Adds what the door needs (the browser-mode token) to a url from `imageUrl`. */
  authorise(url: string): string;
}

export async function connect(): Promise<Connection> {
  if (window.anomap) {
    return { api: window.anomap, door: 'electron', authorise: (url) => url };
  }
  const client = connectWsClient();
  await client.ready;
  const token = new URL(location.href).searchParams.get('token') ?? '';
  return {
    api: client,
    door: 'browser',
    authorise: (url) => {
      const full = new URL(url, location.href);
      if (token && !full.searchParams.has('token')) full.searchParams.set('token', token);
      return full.toString();
    },
  };
}

/** Full-bit-depth pixels of a stored image (by its content hash), for window/level. */
export async function loadPixels(connection: Connection, hash: string): Promise<RawPixels> {
  const { pixelsUrl } = await connection.api.imageUrl({ hash });
  const response = await fetch(connection.authorise(pixelsUrl));
  if (!response.ok) {
    throw new Error(
      `image ${hash.slice(0, 12)}…: the server answered ${response.status} ${response.statusText}`,
    );
  }
  return decodePixels(await response.arrayBuffer());
}
