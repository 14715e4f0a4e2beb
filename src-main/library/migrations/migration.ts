import type { Database } from 'better-sqlite3';

/** One numbered, append-only schema step. Never edit a migration once it has shipped. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}
