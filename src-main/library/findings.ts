import type { SqliteDatabase } from './database.ts';
import { normaliseFindingName } from './vocabulary.ts';

export type FindingSource = 'fastMRI+' | 'imported' | 'user';

export interface Finding {
  id: number;
  name: string;
  source: FindingSource;
}

export function listFindings(db: SqliteDatabase): Finding[] {
  return db.prepare('SELECT id, name, source FROM findings ORDER BY name').all() as Finding[];
}

/**
 * The id of a finding in the vocabulary. Unknown names are an error unless `addAs` says how
 * they entered the library (a dataset import brings its own names).
 */
export function findingId(db: SqliteDatabase, name: string, addAs?: FindingSource): number {
  const normalised = normaliseFindingName(name);
  if (normalised === '') throw new Error('a finding name cannot be empty');
  const row = db.prepare('SELECT id FROM findings WHERE name = ?').get(normalised) as
    { id: number } | undefined;
  if (row) return row.id;
  if (!addAs) {
    throw new Error(`unknown finding "${name}": add it to the vocabulary first (addFinding)`);
  }
  return Number(
    db.prepare('INSERT INTO findings (name, source) VALUES (?, ?)').run(normalised, addAs)
      .lastInsertRowid,
  );
}
