import type { LibraryContext } from './context.ts';
import type { SqliteDatabase } from './database.ts';
import { now } from './context.ts';
import { writeAudit } from './audit.ts';
import type { Model, ModelInput, Run, RunSettings, RunStatus } from './types.ts';

interface ModelRow {
  id: number;
  name: string;
  version: string;
  kind: string;
  checksum: string;
  manifest: string;
  created_at: string;
}

function toModel(row: ModelRow): Model {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    kind: row.kind,
    checksum: row.checksum,
    manifest: JSON.parse(row.manifest) as Record<string, unknown>,
    createdAt: row.created_at,
  };
}

export function readModel(db: SqliteDatabase, id: number): Model {
  const row = db.prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined;
  if (!row) throw new Error(`model ${id} does not exist`);
  return toModel(row);
}

export function listModels(db: SqliteDatabase): Model[] {
  return (db.prepare('SELECT * FROM models ORDER BY id').all() as ModelRow[]).map(toModel);
}

/** Registers a model version once; the same name and version with another checksum is refused. */
export function registerModel(
  context: LibraryContext,
  input: ModelInput,
  actor = context.actor,
): Model {
  const { db } = context;
  return db
    .transaction(() => {
      const existing = db
        .prepare('SELECT * FROM models WHERE name = ? AND version = ?')
        .get(input.name, input.version) as ModelRow | undefined;
      if (existing) {
        if (existing.checksum !== input.checksum) {
          throw new Error(
            `model ${input.name} ${input.version} is already registered with checksum ${existing.checksum}, not ${input.checksum}`,
          );
        }
        return toModel(existing);
      }
      const id = Number(
        db
          .prepare(
            'INSERT INTO models (name, version, kind, checksum, manifest, created_at) VALUES (?, ?, ?, ?, ?, ?)',
          )
          .run(
            input.name,
            input.version,
            input.kind,
            input.checksum,
            JSON.stringify(input.manifest),
            now(),
          ).lastInsertRowid,
      );
      const model = readModel(db, id);
      writeAudit(db, {
        actor,
        action: 'register-model',
        entity: 'model',
        entityId: id,
        after: model,
      });
      return model;
    })
    .immediate();
}

interface RunRow {
  id: number;
  name: string | null;
  settings: string;
  status: RunStatus;
  error: string | null;
  timings: string | null;
  started_at: string;
  finished_at: string | null;
}

export function readRun(db: SqliteDatabase, id: number): Run {
  const row = db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
  if (!row) throw new Error(`run ${id} does not exist`);
  const modelIds = db
    .prepare('SELECT model_id FROM run_models WHERE run_id = ? ORDER BY model_id')
    .pluck()
    .all(id) as number[];
  return {
    id: row.id,
    name: row.name,
    settings: JSON.parse(row.settings) as RunSettings,
    modelIds,
    status: row.status,
    error: row.error,
    timings: row.timings === null ? null : (JSON.parse(row.timings) as Record<string, number>),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export function listRuns(db: SqliteDatabase): Run[] {
  const ids = db.prepare('SELECT id FROM runs ORDER BY id').pluck().all() as number[];
  return ids.map((id) => readRun(db, id));
}

export function createRun(
  context: LibraryContext,
  input: { name?: string; settings: RunSettings; modelIds: number[] },
  actor = context.actor,
): Run {
  const { db } = context;
  return db
    .transaction(() => {
      const id = Number(
        db
          .prepare(
            `INSERT INTO runs (name, settings, status, started_at) VALUES (?, ?, 'running', ?)`,
          )
          .run(input.name ?? null, JSON.stringify(input.settings), now()).lastInsertRowid,
      );
      const link = db.prepare('INSERT INTO run_models (run_id, model_id) VALUES (?, ?)');
      for (const modelId of input.modelIds) {
        readModel(db, modelId);
        link.run(id, modelId);
      }
      const run = readRun(db, id);
      writeAudit(db, { actor, action: 'create-run', entity: 'run', entityId: id, after: run });
      return run;
    })
    .immediate();
}

function endRun(
  context: LibraryContext,
  id: number,
  status: 'done' | 'failed',
  details: { timings?: Record<string, number>; error?: string },
  actor: string,
): Run {
  const { db } = context;
  return db
    .transaction(() => {
      const before = readRun(db, id);
      if (before.status !== 'running')
        throw new Error(`run ${id} has already ended (${before.status})`);
      db.prepare(
        'UPDATE runs SET status = ?, error = ?, timings = ?, finished_at = ? WHERE id = ?',
      ).run(
        status,
        details.error ?? null,
        details.timings ? JSON.stringify(details.timings) : null,
        now(),
        id,
      );
      const after = readRun(db, id);
      writeAudit(db, {
        actor,
        action: `${status === 'done' ? 'finish' : 'fail'}-run`,
        entity: 'run',
        entityId: id,
        before,
        after,
      });
      return after;
    })
    .immediate();
}

export function finishRun(
  context: LibraryContext,
  id: number,
  timings: Record<string, number> = {},
  actor = context.actor,
): Run {
  return endRun(context, id, 'done', { timings }, actor);
}

export function failRun(
  context: LibraryContext,
  id: number,
  error: string,
  actor = context.actor,
): Run {
  return endRun(context, id, 'failed', { error }, actor);
}

/**
 * Removes a run that was cancelled before it finished, with its results and chains (cascade),
 * in one transaction: a cancelled job leaves no half-written run. Only a running run can be
 * discarded; the audit log keeps what it was.
 */
export function discardRun(
  context: LibraryContext,
  id: number,
  reason: string,
  actor = context.actor,
): void {
  const { db } = context;
  db.transaction(() => {
    const before = readRun(db, id);
    if (before.status !== 'running')
      throw new Error(`run ${id} has already ended (${before.status}); it is kept`);
    const results = db.prepare('SELECT COUNT(*) FROM results WHERE run_id = ?').pluck().get(id);
    db.prepare('DELETE FROM runs WHERE id = ?').run(id);
    writeAudit(db, {
      actor,
      action: 'discard-run',
      entity: 'run',
      entityId: id,
      before: { ...before, results },
      after: { reason },
    });
  }).immediate();
}
