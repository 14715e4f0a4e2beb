import type { LibraryContext } from './context.ts';
import type { SqliteDatabase } from './database.ts';
import { now } from './context.ts';
import { writeAudit } from './audit.ts';
import { findingId, type FindingSource } from './findings.ts';
import {
  reviewStatuses,
  verdicts,
  type Label,
  type NewLabel,
  type ReferenceLabel,
  type ReviewStatus,
  type Verdict,
} from './types.ts';

interface LabelRow {
  study_id: number;
  verdict: Verdict | null;
  difficulty: number | null;
  comment: string | null;
  status: ReviewStatus;
  author: string | null;
  updated_at: string | null;
}

export function readLabel(db: SqliteDatabase, studyId: number): Label {
  const row = db.prepare('SELECT * FROM labels WHERE study_id = ?').get(studyId) as
    LabelRow | undefined;
  if (!row) throw new Error(`study ${studyId} does not exist`);
  const findings = db
    .prepare(
      `SELECT f.name FROM label_findings lf JOIN findings f ON f.id = lf.finding_id
       WHERE lf.study_id = ? ORDER BY f.name`,
    )
    .pluck()
    .all(studyId) as string[];
  return {
    studyId,
    verdict: row.verdict,
    findings,
    difficulty: row.difficulty,
    comment: row.comment,
    status: row.status,
    author: row.author,
    updatedAt: row.updated_at,
  };
}

export function checkLabel(label: NewLabel): void {
  if (label.verdict != null && !verdicts.includes(label.verdict)) {
    throw new Error(`verdict must be one of ${verdicts.join(', ')}, got "${label.verdict}"`);
  }
  if (label.status !== undefined && !reviewStatuses.includes(label.status)) {
    throw new Error(`status must be one of ${reviewStatuses.join(', ')}, got "${label.status}"`);
  }
  const difficulty = label.difficulty;
  if (difficulty != null && !(Number.isInteger(difficulty) && difficulty >= 1 && difficulty <= 5)) {
    throw new Error(`difficulty must be a whole number from 1 to 5, got ${difficulty}`);
  }
}

/** Writes label fields and findings; the caller holds the transaction and writes the audit. */
export function writeLabel(
  db: SqliteDatabase,
  studyId: number,
  label: NewLabel,
  author: string,
  newFindingsAs?: FindingSource,
): void {
  checkLabel(label);
  const sets: string[] = ['author = @author', 'updated_at = @updatedAt'];
  const params: Record<string, unknown> = { studyId, author, updatedAt: now() };
  for (const [field, column] of [
    ['verdict', 'verdict'],
    ['difficulty', 'difficulty'],
    ['comment', 'comment'],
    ['status', 'status'],
  ] as const) {
    if (label[field] !== undefined) {
      sets.push(`${column} = @${field}`);
      params[field] = label[field];
    }
  }
  db.prepare(`UPDATE labels SET ${sets.join(', ')} WHERE study_id = @studyId`).run(params);
  if (label.findings !== undefined) {
    const ids = label.findings.map((name) => findingId(db, name, newFindingsAs));
    db.prepare('DELETE FROM label_findings WHERE study_id = ?').run(studyId);
    const insert = db.prepare(
      'INSERT OR IGNORE INTO label_findings (study_id, finding_id) VALUES (?, ?)',
    );
    for (const id of ids) insert.run(studyId, id);
  }
}

/** A human's verdict on a study; one transaction with its audit entry. */
export function setLabel(
  context: LibraryContext,
  studyId: number,
  change: NewLabel,
  actor = context.actor,
): Label {
  const { db } = context;
  return db
    .transaction(() => {
      const before = readLabel(db, studyId);
      writeLabel(db, studyId, change, actor);
      const after = readLabel(db, studyId);
      writeAudit(db, {
        actor,
        action: 'set-label',
        entity: 'study',
        entityId: studyId,
        before,
        after,
      });
      return after;
    })
    .immediate();
}

/**
 * Keeps a label that came with imported data (or another reader's) as a reference, apart from
 * the reader's own label; the caller holds the transaction. A second import from the same
 * source replaces it.
 */
export function writeReferenceLabel(
  db: SqliteDatabase,
  studyId: number,
  source: string,
  label: NewLabel,
): void {
  checkLabel(label);
  const findings = (label.findings ?? []).map((name) => {
    findingId(db, name, 'imported'); // the vocabulary learns the dataset's findings
    return name;
  });
  db.prepare(
    `INSERT INTO reference_labels (study_id, source, verdict, findings, created_at)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (study_id, source) DO UPDATE
       SET verdict = excluded.verdict, findings = excluded.findings`,
  ).run(studyId, source, label.verdict ?? null, JSON.stringify(findings), now());
}

interface ReferenceRow {
  study_id: number;
  source: string;
  verdict: Verdict | null;
  findings: string;
  created_at: string;
}

/** The study's reference label, the first by date when there are several; null when none. */
export function readReferenceLabel(db: SqliteDatabase, studyId: number): ReferenceLabel | null {
  const row = db
    .prepare(
      `SELECT * FROM reference_labels WHERE study_id = ? ORDER BY created_at, source LIMIT 1`,
    )
    .get(studyId) as ReferenceRow | undefined;
  if (!row) return null;
  return {
    studyId,
    source: row.source,
    verdict: row.verdict,
    findings: JSON.parse(row.findings) as string[],
    createdAt: row.created_at,
  };
}

/**
 * The verdict a study stands for in training and evaluation from the library: the reader's own
 * once the reader has labelled it (even to say "uncertain" or to clear it), else the
 * reference's. Returns the study ids with that verdict, in import order.
 */
export function studiesByVerdict(db: SqliteDatabase, verdict: Verdict): number[] {
  return db
    .prepare(
      `SELECT s.id FROM studies s JOIN labels l ON l.study_id = s.id
       WHERE CASE WHEN l.updated_at IS NOT NULL THEN l.verdict
                  ELSE (SELECT rl.verdict FROM reference_labels rl WHERE rl.study_id = s.id
                          ORDER BY rl.created_at, rl.source LIMIT 1) END = ?
       ORDER BY s.created_at, s.id`,
    )
    .pluck()
    .all(verdict) as number[];
}

/** Reader's and reference verdicts of every study that has both (optionally in one split). */
export function readerReferencePairs(
  db: SqliteDatabase,
  split?: string,
): [reader: Verdict, reference: Verdict][] {
  const rows = db
    .prepare(
      `SELECT l.verdict AS reader,
              (SELECT rl.verdict FROM reference_labels rl WHERE rl.study_id = s.id
                 ORDER BY rl.created_at, rl.source LIMIT 1) AS reference
       FROM studies s JOIN labels l ON l.study_id = s.id
       WHERE l.verdict IS NOT NULL AND (@split IS NULL OR s.split = @split)`,
    )
    .all({ split: split ?? null }) as { reader: Verdict; reference: Verdict | null }[];
  return rows.flatMap((r) => (r.reference === null ? [] : [[r.reader, r.reference]]));
}
