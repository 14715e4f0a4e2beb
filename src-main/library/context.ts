import type { SqliteDatabase } from './database.ts';
import type { ImageStore } from './store.ts';

/** What every library operation works on: the open database, its image store, and who acts. */
export interface LibraryContext {
  db: SqliteDatabase;
  store: ImageStore;
  actor: string;
}

export function now(): string {
  return new Date().toISOString();
}
