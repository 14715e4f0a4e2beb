import type { SqliteDatabase } from './database.ts';
import {
  reviewStatuses,
  verdicts,
  type ReviewStatus,
  type StudyPage,
  type StudyQuery,
  type StudySortKey,
  type StudySummary,
  type Verdict,
} from './types.ts';

const sortColumns: Record<StudySortKey, string> = {
  created: 's.id',
  date: 's.study_date',
  patient: 's.patient_alias',
  source: 's.source',
  status: 'l.status',
  verdict: 'l.verdict',
  score: 'r.score',
};

export const maxPageSize = 1000;

/**
 * One page of studies, filtered and sorted in SQL. The page's ids are chosen first and the
 * per-study details (image count, findings, score) fetched for those ids only, so the cost of
 * a page does not grow with the details of the whole library.
 */
export function listStudies(db: SqliteDatabase, query: StudyQuery): StudyPage {
  checkQuery(query);
  const { where, params, joinScores } = buildFilter(query);
  const from = `FROM studies s JOIN labels l ON l.study_id = s.id ${joinScores}`;
  const total = db.prepare(`SELECT COUNT(*) ${from} ${where}`).pluck().get(params) as number;
  const direction = query.order === 'desc' ? 'DESC' : 'ASC';
  const column = sortColumns[query.sort ?? 'created'];
  const ids = db
    .prepare(
      `SELECT s.id ${from} ${where} ORDER BY ${column} ${direction}, s.id ${direction}
       LIMIT @limit OFFSET @offset`,
    )
    .pluck()
    .all({ ...params, limit: query.limit, offset: query.offset }) as number[];
  return { total, studies: readStudySummaries(db, ids, query.runId) };
}

function checkQuery(query: StudyQuery): void {
  if (!Number.isInteger(query.offset) || query.offset < 0) {
    throw new Error(`offset must be a whole number >= 0, got ${query.offset}`);
  }
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > maxPageSize) {
    throw new Error(`limit must be a whole number from 1 to ${maxPageSize}, got ${query.limit}`);
  }
  if (query.sort !== undefined && !(query.sort in sortColumns)) {
    throw new Error(`cannot sort by "${query.sort}"`);
  }
  if (
    query.label !== undefined &&
    query.label !== 'unlabelled' &&
    !verdicts.includes(query.label)
  ) {
    throw new Error(`unknown label filter "${query.label}"`);
  }
  if (query.status !== undefined && !reviewStatuses.includes(query.status)) {
    throw new Error(`unknown status filter "${query.status}"`);
  }
  const needsRun =
    query.scoreMin !== undefined || query.scoreMax !== undefined || query.sort === 'score';
  if (needsRun && query.runId === undefined) {
    throw new Error('filtering or sorting by score needs a runId');
  }
}

function buildFilter(query: StudyQuery): {
  where: string;
  params: Record<string, unknown>;
  joinScores: string;
} {
  const clauses: string[] = [];
  const params: Record<string, unknown> = {};
  if (query.search !== undefined && query.search.trim() !== '') {
    params.search = `%${query.search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    clauses.push(
      `(s.patient_alias LIKE @search ESCAPE '\\' OR s.description LIKE @search ESCAPE '\\'
        OR s.uid LIKE @search ESCAPE '\\' OR s.origin_path LIKE @search ESCAPE '\\')`,
    );
  }
  if (query.label === 'unlabelled') clauses.push('l.verdict IS NULL');
  else if (query.label !== undefined) {
    clauses.push('l.verdict = @label');
    params.label = query.label;
  }
  if (query.status !== undefined) {
    clauses.push('l.status = @status');
    params.status = query.status;
  }
  for (const field of ['split', 'source'] as const) {
    if (query[field] !== undefined) {
      clauses.push(`s.${field} = @${field}`);
      params[field] = query[field];
    }
  }
  if (query.finding !== undefined) {
    clauses.push(
      `EXISTS (SELECT 1 FROM label_findings lf JOIN findings f ON f.id = lf.finding_id
               WHERE lf.study_id = s.id AND f.name = @finding)`,
    );
    params.finding = query.finding;
  }
  let joinScores = '';
  if (query.runId !== undefined) {
    params.runId = query.runId;
    const filtered = query.scoreMin !== undefined || query.scoreMax !== undefined;
    joinScores = `${filtered ? '' : 'LEFT '}JOIN run_study_scores r ON r.study_id = s.id AND r.run_id = @runId`;
    if (query.scoreMin !== undefined) {
      clauses.push('r.score >= @scoreMin');
      params.scoreMin = query.scoreMin;
    }
    if (query.scoreMax !== undefined) {
      clauses.push('r.score <= @scoreMax');
      params.scoreMax = query.scoreMax;
    }
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params, joinScores };
}

interface SummaryRow {
  id: number;
  uid: string;
  patient_alias: string | null;
  study_date: string | null;
  modality: string | null;
  source: string | null;
  description: string | null;
  split: string | null;
  created_at: string;
  image_count: number;
  first_image_id: number | null;
  verdict: Verdict | null;
  status: ReviewStatus;
  findings: string | null;
  score: number | null;
}

/** Summaries of the given studies, in the order of `ids`. */
export function readStudySummaries(
  db: SqliteDatabase,
  ids: readonly number[],
  runId?: number,
): StudySummary[] {
  if (ids.length === 0) return [];
  const rows = db
    .prepare(
      `SELECT s.id, s.uid, s.patient_alias, s.study_date, s.modality, s.source, s.description,
              s.split, s.created_at, l.verdict, l.status,
              (SELECT COUNT(*) FROM images i WHERE i.study_id = s.id) AS image_count,
              (SELECT MIN(i.id) FROM images i WHERE i.study_id = s.id) AS first_image_id,
              (SELECT group_concat(name, ';') FROM (
                 SELECT f.name FROM label_findings lf JOIN findings f ON f.id = lf.finding_id
                 WHERE lf.study_id = s.id ORDER BY f.name)) AS findings,
              (SELECT r.score FROM run_study_scores r
                 WHERE r.study_id = s.id AND r.run_id = @runId) AS score
       FROM studies s JOIN labels l ON l.study_id = s.id
       WHERE s.id IN (SELECT value FROM json_each(@ids))`,
    )
    .all({ ids: JSON.stringify(ids), runId: runId ?? null }) as SummaryRow[];
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toSummary(row)] : [];
  });
}

function toSummary(row: SummaryRow): StudySummary {
  return {
    id: row.id,
    uid: row.uid,
    patientAlias: row.patient_alias,
    studyDate: row.study_date,
    modality: row.modality,
    source: row.source,
    description: row.description,
    split: row.split,
    createdAt: row.created_at,
    imageCount: row.image_count,
    firstImageId: row.first_image_id,
    verdict: row.verdict,
    status: row.status,
    findings: row.findings ? row.findings.split(';') : [],
    score: row.score,
  };
}
