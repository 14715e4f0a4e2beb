import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import {
  openDatabase,
  schemaVersion,
  type SqliteDatabase,
} from '../../src-main/library/database.ts';
import { migrations } from '../../src-main/library/migrations/index.ts';
import type { Migration } from '../../src-main/library/migrations/migration.ts';
import { Library } from '../../src-main/library/library.ts';
import { tempDir } from './fixtures/rasters.ts';

let db: SqliteDatabase | undefined;
afterEach(() => db?.close());

describe('library database', () => {
  it('migrates an empty database to the latest schema with WAL and foreign keys on', () => {
    const path = join(tempDir(), 'library.sqlite');
    db = openDatabase(path);
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
      .pluck()
      .all();
    expect(tables).toEqual(
      expect.arrayContaining([
        'studies',
        'images',
        'labels',
        'label_findings',
        'findings',
        'annotations',
        'models',
        'runs',
        'run_models',
        'results',
        'run_study_scores',
        'audit_log',
      ]),
    );
    const findings = db.prepare('SELECT name FROM findings').pluck().all();
    expect(findings).toEqual(
      expect.arrayContaining(['mass', 'edema', 'enlarged_ventricles', 'posttreatment_change']),
    );
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('applies only the migrations a database lacks, each once', () => {
    const path = join(tempDir(), 'library.sqlite');
    const applied: number[] = [];
    const steps: Migration[] = [1, 2].map((version) => ({
      version,
      name: `step ${version}`,
      up: (database) => {
        applied.push(version);
        database.exec(`CREATE TABLE t${version} (x)`);
      },
    }));
    openDatabase(path, steps.slice(0, 1)).close();
    db = openDatabase(path, steps);
    expect(applied).toEqual([1, 2]);
    expect(schemaVersion(db)).toBe(2);
  });

  it('rolls back a failing migration and keeps the previous version', () => {
    const path = join(tempDir(), 'library.sqlite');
    const broken: Migration[] = [
      { version: 1, name: 'fine', up: (database) => database.exec('CREATE TABLE a (x)') },
      {
        version: 2,
        name: 'broken',
        up: (database) => {
          database.exec('CREATE TABLE b (x)');
          throw new Error('boom');
        },
      },
    ];
    expect(() => openDatabase(path, broken)).toThrow('boom');
    db = openDatabase(path, broken.slice(0, 1));
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'b'`).get()).toBeUndefined();
  });

  it('refuses a library made by a newer Anomap', () => {
    const path = join(tempDir(), 'library.sqlite');
    openDatabase(path).close();
    const older = migrations.slice(0, 0);
    expect(() => openDatabase(path, older)).toThrow(/newer than this Anomap knows/);
  });

  it('refuses migrations numbered out of order', () => {
    const path = join(tempDir(), 'library.sqlite');
    expect(() => openDatabase(path, [{ version: 2, name: 'skips one', up: () => {} }])).toThrow(
      /expected 1/,
    );
  });

  it('opens any folder as a library, creating it', () => {
    const dir = join(tempDir(), 'nested', 'library');
    const library = Library.open(dir);
    expect(existsSync(join(dir, 'library.sqlite'))).toBe(true);
    expect(library.schemaVersion).toBe(migrations.length);
    library.close();
  });
});
