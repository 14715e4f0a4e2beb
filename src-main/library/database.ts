import Database from 'better-sqlite3';
import { migrations as shippedMigrations, type Migration } from './migrations/index.ts';

export type SqliteDatabase = Database.Database;

/**
 * Opens (or creates) a library database: WAL so readers never wait on the importer, foreign
 * keys on, and every pending migration applied, each in its own transaction together with the
 * new `user_version`, so a crash mid-migration leaves the previous version intact.
 */
export function openDatabase(
  path: string,
  migrations: readonly Migration[] = shippedMigrations,
): SqliteDatabase {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // NORMAL is crash-safe in WAL mode (a killed process loses nothing committed).
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    migrate(db, path, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function schemaVersion(db: SqliteDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: SqliteDatabase, path: string, migrations: readonly Migration[]): void {
  checkNumbering(migrations);
  const current = schemaVersion(db);
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  if (current > latest) {
    throw new Error(
      `${path}: library schema version ${current} is newer than this Anomap knows (${latest}); update Anomap to open it`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

function checkNumbering(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `migration "${migration.name}" is numbered ${migration.version}, expected ${index + 1}`,
      );
    }
  });
}
