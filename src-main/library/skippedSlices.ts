import type { LibraryContext } from './context.ts';
import type { SqliteDatabase } from './database.ts';
import { writeAudit } from './audit.ts';
import { readRun } from './runs.ts';
import type { SkippedSlice } from '../contract/index.ts';

/**
 * Keeps the slices a run left out (outside the models' domain, or blank) with their reasons, in
 * one transaction: a viewer says why a slice has no map instead of showing none. Saving a slice
 * again replaces its reason. Machine output, like results: never a label.
 */
export function saveSkippedSlices(
  context: LibraryContext,
  runId: number,
  skipped: readonly SkippedSlice[],
  actor = context.actor,
): void {
  const { db } = context;
  const run = readRun(db, runId);
  if (run.status !== 'running')
    throw new Error(`run ${run.id} has ended (${run.status}); skipped slices cannot be added`);
  if (skipped.length === 0) return;
  db.transaction(() => {
    const insert = db.prepare(
      `INSERT INTO run_skipped_images (run_id, image_id, kind, reason) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id, image_id) DO UPDATE SET kind = excluded.kind, reason = excluded.reason`,
    );
    for (const { imageId, kind, reason } of skipped) insert.run(runId, imageId, kind, reason);
    writeAudit(db, {
      actor,
      action: 'skip-slices',
      entity: 'run',
      entityId: runId,
      after: { count: skipped.length },
    });
  }).immediate();
}

/** The slices of one study a run left out, in slice order. */
export function readSkippedSlices(
  db: SqliteDatabase,
  runId: number,
  studyId: number,
): SkippedSlice[] {
  return db
    .prepare(
      `SELECT s.image_id AS imageId, s.kind, s.reason FROM run_skipped_images s
       JOIN images i ON i.id = s.image_id
       WHERE s.run_id = ? AND i.study_id = ? ORDER BY i.series_uid, i.slice_index, i.id`,
    )
    .all(runId, studyId) as SkippedSlice[];
}
