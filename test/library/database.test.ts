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

  it('adds the classifier probability to a version-2 library, keeping its results and scores', () => {
    const dir = tempDir();
    const path = join(dir, 'library.sqlite');
    const v2 = openDatabase(path, migrations.slice(0, 2));
    expect(schemaVersion(v2)).toBe(2);
    const at = '2025-01-01T00:00:00Z';
    v2.exec(`
      INSERT INTO studies (id, uid, created_at) VALUES (1, 'old-1', '${at}'), (2, 'old-2', '${at}');
      INSERT INTO labels (study_id) VALUES (1), (2);
      INSERT INTO images (id, study_id, width, height, bit_depth, hash, original_path, created_at)
        VALUES (1, 1, 4, 4, 8, '${'a'.repeat(64)}', '/old/1.png', '${at}'),
               (2, 2, 4, 4, 8, '${'b'.repeat(64)}', '/old/2.png', '${at}');
      INSERT INTO runs (id, settings, status, started_at) VALUES (1, '{}', 'running', '${at}');
      INSERT INTO results (run_id, image_id, reconstruction_hash, reconstruction_scale, map_hash,
        map_scale, score, created_at)
        VALUES (1, 1, '${'c'.repeat(64)}', '{"min":0,"max":1}', '${'d'.repeat(64)}',
                '{"min":0,"max":1}', 0.7, '${at}');
      INSERT INTO run_study_scores (run_id, study_id, score) VALUES (1, 1, 0.7);
    `);
    v2.close();

    const library = Library.open(dir);
    try {
      expect(library.schemaVersion).toBe(migrations.at(-1)!.version);
      expect(library.integrityCheck()).toBe('ok');
      const columns = (table: string) =>
        library.db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[];
      expect(columns('results')).toContain('classifier_probability');
      expect(columns('run_study_scores')).toContain('classifier_probability');
      // Old results keep their score and have no probability.
      expect(library.listResults(1)).toMatchObject([
        { imageId: 1, score: 0.7, classifierProbability: null },
      ]);
      const page = library.listStudies({ runId: 1, sort: 'uncertainty', offset: 0, limit: 10 });
      expect(page.total).toBe(2);
      expect(page.studies.map((s) => [s.id, s.score, s.classifierProbability])).toEqual([
        [1, 0.7, null],
        [2, null, null],
      ]);
      // The new column refuses what is not a probability.
      expect(() =>
        library.db.prepare('UPDATE results SET classifier_probability = 1.5').run(),
      ).toThrow(/CHECK/);
    } finally {
      library.close();
    }
  });

  it('opens any folder as a library, creating it', () => {
    const dir = join(tempDir(), 'nested', 'library');
    const library = Library.open(dir);
    expect(existsSync(join(dir, 'library.sqlite'))).toBe(true);
    expect(library.schemaVersion).toBe(migrations.length);
    library.close();
  });
});
