import type { LibraryContext } from './context.ts';
import type { SqliteDatabase } from './database.ts';
import { now } from './context.ts';
import { writeAudit } from './audit.ts';
import { findingId } from './findings.ts';
import { readImage } from './images.ts';
import type { Annotation, Box } from './types.ts';
import type { Pixels } from './pixels.ts';

interface AnnotationRow {
  id: number;
  image_id: number;
  finding: string | null;
  kind: 'box' | 'mask';
  x: number | null;
  y: number | null;
  width: number | null;
  height: number | null;
  mask_hash: string | null;
  author: string;
  created_at: string;
  updated_at: string;
}

const selectAnnotation = `SELECT a.*, f.name AS finding FROM annotations a
  LEFT JOIN findings f ON f.id = a.finding_id`;

function toAnnotation(row: AnnotationRow): Annotation {
  const box =
    row.kind === 'box'
      ? { x: row.x ?? 0, y: row.y ?? 0, width: row.width ?? 0, height: row.height ?? 0 }
      : null;
  return {
    id: row.id,
    imageId: row.image_id,
    finding: row.finding,
    kind: row.kind,
    box,
    maskHash: row.mask_hash,
    author: row.author,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function readAnnotation(db: SqliteDatabase, id: number): Annotation {
  const row = db.prepare(`${selectAnnotation} WHERE a.id = ?`).get(id) as AnnotationRow | undefined;
  if (!row) throw new Error(`annotation ${id} does not exist`);
  return toAnnotation(row);
}

/**
 * The study's boxes and masks: the reader's own, those that came with the reference (a
 * dataset's, kept apart for blind reading), or all.
 */
export function readAnnotationsOfStudy(
  db: SqliteDatabase,
  studyId: number,
  origin: 'reader' | 'reference' | 'all' = 'all',
): Annotation[] {
  const which = {
    reader: 'AND a.reference_source IS NULL',
    reference: 'AND a.reference_source IS NOT NULL',
    all: '',
  }[origin];
  const rows = db
    .prepare(
      `${selectAnnotation} JOIN images i ON i.id = a.image_id WHERE i.study_id = ? ${which}
       ORDER BY a.id`,
    )
    .all(studyId) as AnnotationRow[];
  return rows.map(toAnnotation);
}

export function readAnnotationsOfImage(db: SqliteDatabase, imageId: number): Annotation[] {
  const rows = db
    .prepare(`${selectAnnotation} WHERE a.image_id = ? ORDER BY a.id`)
    .all(imageId) as AnnotationRow[];
  return rows.map(toAnnotation);
}

function checkBox(box: Box, width: number, height: number, imageId: number): void {
  const whole = [box.x, box.y, box.width, box.height].every(Number.isInteger);
  if (!whole || box.width <= 0 || box.height <= 0 || box.x < 0 || box.y < 0) {
    throw new Error(
      `box ${JSON.stringify(box)} must have whole, non-negative coordinates and a size`,
    );
  }
  if (box.x + box.width > width || box.y + box.height > height) {
    throw new Error(
      `box ${JSON.stringify(box)} lies outside image ${imageId} (${width} x ${height})`,
    );
  }
}

export interface NewAnnotation {
  imageId: number;
  finding: string | null;
  /** Either a box or a mask (same size as the image, non-zero = finding). */
  box?: Box;
  mask?: Pixels;
}

export async function addAnnotation(
  context: LibraryContext,
  input: NewAnnotation,
  actor = context.actor,
): Promise<Annotation> {
  const { db, store } = context;
  const image = readImage(db, input.imageId);
  if ((input.box === undefined) === (input.mask === undefined)) {
    throw new Error('an annotation has either a box or a mask');
  }
  let maskHash: string | null = null;
  if (input.box) checkBox(input.box, image.width, image.height, image.id);
  if (input.mask) {
    if (input.mask.width !== image.width || input.mask.height !== image.height) {
      throw new Error(
        `mask is ${input.mask.width} x ${input.mask.height}, image ${image.id} is ${image.width} x ${image.height}`,
      );
    }
    maskHash = await store.put(input.mask);
  }
  return db
    .transaction(() => {
      const finding = input.finding === null ? null : findingId(db, input.finding);
      const at = now();
      const id = Number(
        db
          .prepare(
            `INSERT INTO annotations (image_id, finding_id, kind, x, y, width, height, mask_hash,
               author, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            input.imageId,
            finding,
            input.box ? 'box' : 'mask',
            input.box?.x ?? null,
            input.box?.y ?? null,
            input.box?.width ?? null,
            input.box?.height ?? null,
            maskHash,
            actor,
            at,
            at,
          ).lastInsertRowid,
      );
      const after = readAnnotation(db, id);
      writeAudit(db, {
        actor,
        action: 'add-annotation',
        entity: 'annotation',
        entityId: id,
        after,
      });
      return after;
    })
    .immediate();
}

export function updateAnnotation(
  context: LibraryContext,
  id: number,
  change: { finding?: string | null; box?: Box },
  actor = context.actor,
): Annotation {
  const { db } = context;
  return db
    .transaction(() => {
      const before = readAnnotation(db, id);
      if (change.box) {
        if (before.kind !== 'box') throw new Error(`annotation ${id} is a mask, not a box`);
        const image = readImage(db, before.imageId);
        checkBox(change.box, image.width, image.height, image.id);
        db.prepare('UPDATE annotations SET x = ?, y = ?, width = ?, height = ? WHERE id = ?').run(
          change.box.x,
          change.box.y,
          change.box.width,
          change.box.height,
          id,
        );
      }
      if (change.finding !== undefined) {
        const finding = change.finding === null ? null : findingId(db, change.finding);
        db.prepare('UPDATE annotations SET finding_id = ? WHERE id = ?').run(finding, id);
      }
      db.prepare('UPDATE annotations SET author = ?, updated_at = ? WHERE id = ?').run(
        actor,
        now(),
        id,
      );
      const after = readAnnotation(db, id);
      writeAudit(db, {
        actor,
        action: 'update-annotation',
        entity: 'annotation',
        entityId: id,
        before,
        after,
      });
      return after;
    })
    .immediate();
}

export function deleteAnnotation(context: LibraryContext, id: number, actor = context.actor): void {
  const { db } = context;
  db.transaction(() => {
    const before = readAnnotation(db, id);
    db.prepare('DELETE FROM annotations WHERE id = ?').run(id);
    writeAudit(db, {
      actor,
      action: 'delete-annotation',
      entity: 'annotation',
      entityId: id,
      before,
    });
  }).immediate();
}
