/**
 * What the views share: the api connection (through Svelte context) and the navigation state
 * (which view, which studies are selected, which cases Review walks through).
 */
import { getContext, setContext } from 'svelte';
import type { Connection } from '../api/client.ts';

const CONNECTION = Symbol('connection');

export function provideConnection(connection: Connection): void {
  setContext(CONNECTION, connection);
}

export function useConnection(): Connection {
  const connection = getContext<Connection | undefined>(CONNECTION);
  if (!connection) throw new Error('no api connection: the view was mounted outside App');
  return connection;
}

export type ViewName = 'library' | 'review' | 'run' | 'train' | 'evaluate' | 'settings';

export const viewNames: readonly { name: ViewName; title: string }[] = [
  { name: 'library', title: 'Library' },
  { name: 'review', title: 'Review' },
  { name: 'run', title: 'Run' },
  { name: 'train', title: 'Train' },
  { name: 'evaluate', title: 'Evaluate' },
  { name: 'settings', title: 'Settings' },
];
