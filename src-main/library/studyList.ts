import { aboveThreshold } from '../contract/operatingPoint.ts';
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

/** Sorts that read a run's per-study values (run_study_scores) rather than study columns. */
type RunSortKey = 'score' | 'uncertainty';
const runSorts: readonly StudySortKey[] = ['score', 'uncertainty'] satisfies RunSortKey[];

const sortColumns: Record<Exclude<StudySortKey, RunSortKey>, string> = {
  created: 's.id',
  date: 's.study_date',
  patient: 's.patient_alias',
  source: 's.source',
  status: 'l.status',
  verdict: 'l.verdict',
};

export const maxPageSize = 1000;

/**
 * Which rows a query reads: every study, only those with a score in the run, or only those
 * without. A run condition (`Part.runClause`) narrows what counts as scored, e.g. to the studies
 * with a classifier probability.
 */
type Rows = 'all' | 'scored' | 'unscored';

/** One stretch of a page: the rows it reads, their order and how many there are. */
interface Part {
  rows: Rows;
  order: string;
  size: number;
  runClause?: string;
}

interface Filter {
  /** Conditions on a study; `{id}` stands for the study id column of the chosen rows. */
  clauses: string[];
  params: Record<string, unknown>;
  needsLabels: boolean;
  needsStudies: boolean;
  scoreClauses: string[];
}

/**
 * One page of studies, filtered and sorted in SQL. Only the tables a query needs are joined;
 * sorting by score reads the run's scores in index order (studies without a score come after
 * them when descending, before them when ascending, as NULLs sort in SQLite). Sorting by
 * uncertainty reads the run's classifier probabilities in index order: 'desc' puts the most
 * uncertain first (|p - 0.5| ascending), 'asc' the most confident first; studies without a
 * probability always come last, by id. The page's ids are chosen first and their details
 * (image count, findings, score, probability) fetched for those only.
 */
export function listStudies(db: SqliteDatabase, query: StudyQuery): StudyPage {
  checkQuery(query);
  const filter = buildFilter(query);
  const descending = query.order === 'desc';
  const direction = descending ? 'DESC' : 'ASC';
  const hasScoreFilter = filter.scoreClauses.length > 0;
  const count = (rows: Rows, runClause?: string) =>
    db
      .prepare(`SELECT COUNT(*) ${fromWhere(rows, filter, '', false, runClause)}`)
      .pluck()
      .get(filter.params) as number;
  const pick = (
    rows: Rows,
    order: string,
    offset: number,
    limit: number,
    studiesFirst = false,
    runClause?: string,
  ) =>
    limit <= 0
      ? []
      : (db
          .prepare(
            `SELECT ${idColumn(rows, filter, order)} ${fromWhere(rows, filter, order, studiesFirst, runClause)}
             ORDER BY ${order} LIMIT @limit OFFSET @offset`,
          )
          .pluck()
          .all({ ...filter.params, limit, offset }) as number[]);
  /** The page out of parts laid end to end. */
  const pickParts = (parts: Part[]) => {
    const ids: number[] = [];
    let before = 0;
    for (const part of parts) {
      const offset = Math.max(0, query.offset - before);
      const limit = Math.min(query.limit - ids.length, part.size - offset);
      ids.push(...pick(part.rows, part.order, offset, limit, false, part.runClause));
      before += part.size;
    }
    return ids;
  };

  if (query.sort === 'uncertainty') {
    // Probabilities first (in the partial index's order when most uncertain first), then the rest.
    const known = 'r.classifier_probability IS NOT NULL';
    const uncertain = descending ? 'ASC' : 'DESC';
    const knownPart: Part = {
      rows: 'scored',
      order: `abs(r.classifier_probability - 0.5) ${uncertain}, r.study_id ${uncertain}`,
      size: count('scored', known),
      runClause: known,
    };
    const total = count(hasScoreFilter ? 'scored' : 'all');
    const rest: Omit<Part, 'size'> = hasScoreFilter
      ? { rows: 'scored', order: 'r.study_id ASC', runClause: 'r.classifier_probability IS NULL' }
      : { rows: 'unscored', order: 's.id ASC', runClause: known };
    const ids = pickParts([knownPart, { ...rest, size: total - knownPart.size }]);
    return { total, studies: readStudySummaries(db, ids, query.runId) };
  }
  if (query.sort !== 'score') {
    const rows: Rows = hasScoreFilter ? 'scored' : 'all';
    const total = count(rows);
    const order = `${sortColumns[query.sort ?? 'created']} ${direction}, ${rows === 'scored' ? 'r.study_id' : 's.id'} ${direction}`;
    // With many matches, walking the studies in sort-index order and checking each label finds a
    // page sooner than sorting every match (SQLite would otherwise start from the label index).
    const studiesFirst =
      rows === 'all' && filter.needsLabels && total > manyMatches && /\bs\./.test(order);
    const ids = pick(rows, order, query.offset, query.limit, studiesFirst);
    return { total, studies: readStudySummaries(db, ids, query.runId) };
  }
  const scoreOrder = `r.score ${direction}, r.study_id ${direction}`;
  const scoredTotal = count('scored');
  if (hasScoreFilter) {
    const ids = pick('scored', scoreOrder, query.offset, query.limit);
    return { total: scoredTotal, studies: readStudySummaries(db, ids, query.runId) };
  }
  const total = count('all');
  // Unscored studies last in either order: lowest scores first must not open on the studies
  // the run never saw.
  const parts: Part[] = [
    { rows: 'scored', order: scoreOrder, size: scoredTotal },
    { rows: 'unscored', order: `s.id ${direction}`, size: total - scoredTotal },
  ];
  const ids = pickParts(parts);
  return { total, studies: readStudySummaries(db, ids, query.runId) };
}

/** Above this many matches a label-filtered page is found by walking the studies in order. */
const manyMatches = 2000;

/** The table a query starts from, so that only the tables it needs are read. */
function baseTable(rows: Rows, filter: Filter, order: string): 'r' | 's' | 'l' {
  if (rows === 'scored') return 'r';
  const needsStudies = filter.needsStudies || rows === 'unscored' || /\bs\./.test(order);
  return !needsStudies && filter.needsLabels ? 'l' : 's';
}

function idColumn(rows: Rows, filter: Filter, order: string): string {
  return { r: 'r.study_id', s: 's.id', l: 'l.study_id' }[baseTable(rows, filter, order)];
}

function fromWhere(
  rows: Rows,
  filter: Filter,
  order: string,
  studiesFirst = false,
  runClause?: string,
): string {
  const base = baseTable(rows, filter, order);
  const id = idColumn(rows, filter, order);
  const where = filter.clauses.map((clause) => clause.replaceAll('{id}', id));
  const joins: string[] = [];
  const needsStudies = filter.needsStudies || /\bs\./.test(order);
  const needsLabels = filter.needsLabels || /\bl\./.test(order);
  if (base === 'r') {
    where.unshift('r.run_id = @runId', ...filter.scoreClauses, ...(runClause ? [runClause] : []));
    if (needsStudies) joins.push(`JOIN studies s ON s.id = ${id}`);
  }
  if (rows === 'unscored') {
    const also = runClause ? ` AND ${runClause}` : '';
    where.unshift(
      `NOT EXISTS (SELECT 1 FROM run_study_scores r WHERE r.run_id = @runId AND r.study_id = s.id${also})`,
    );
  }
  if (needsLabels && base !== 'l') {
    joins.push(`${studiesFirst ? 'CROSS JOIN' : 'JOIN'} labels l ON l.study_id = ${id}`);
  }
  const table = { r: 'run_study_scores r', s: 'studies s', l: 'labels l' }[base];
  return `FROM ${table} ${joins.join(' ')} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
}

function checkQuery(query: StudyQuery): void {
  if (!Number.isInteger(query.offset) || query.offset < 0) {
    throw new Error(`offset must be a whole number >= 0, got ${query.offset}`);
  }
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > maxPageSize) {
    throw new Error(`limit must be a whole number from 1 to ${maxPageSize}, got ${query.limit}`);
  }
  if (query.sort !== undefined && !runSorts.includes(query.sort) && !(query.sort in sortColumns)) {
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
    query.scoreMin !== undefined ||
    query.scoreMax !== undefined ||
    (query.sort !== undefined && runSorts.includes(query.sort));
  if (needsRun && query.runId === undefined) {
    const what =
      query.sort === 'uncertainty' ? 'sorting by uncertainty' : 'filtering or sorting by score';
    throw new Error(`${what} needs a runId`);
  }
}

/** FTS5 trigram matching needs at least three characters; shorter text is searched with LIKE. */
const trigramLength = 3;

function buildFilter(query: StudyQuery): Filter {
  const filter: Filter = {
    clauses: [],
    params: {},
    needsLabels: false,
    needsStudies: false,
    scoreClauses: [],
  };
  const { clauses, params } = filter;
  const search = query.search?.trim() ?? '';
  if ([...search].length >= trigramLength) {
    clauses.push('{id} IN (SELECT rowid FROM studies_search WHERE studies_search MATCH @search)');
    params.search = `"${search.replace(/"/g, '""')}"`;
  } else if (search !== '') {
    filter.needsStudies = true;
    params.search = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
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
  filter.needsLabels = query.label !== undefined || query.status !== undefined;
  for (const field of ['split', 'source'] as const) {
    if (query[field] !== undefined) {
      clauses.push(`s.${field} = @${field}`);
      params[field] = query[field];
      filter.needsStudies = true;
    }
  }
  if (query.finding !== undefined) {
    clauses.push(
      `{id} IN (SELECT lf.study_id FROM label_findings lf
               WHERE lf.finding_id = (SELECT id FROM findings WHERE name = @finding))`,
    );
    params.finding = query.finding;
  }
  if (query.runId !== undefined) {
    params.runId = query.runId;
    if (query.scoreMin !== undefined) {
      filter.scoreClauses.push('r.score >= @scoreMin');
      params.scoreMin = query.scoreMin;
    }
    if (query.scoreMax !== undefined) {
      filter.scoreClauses.push('r.score <= @scoreMax');
      params.scoreMax = query.scoreMax;
    }
  }
  return filter;
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
  classifier_probability: number | null;
  reference_verdict: Verdict | null;
  first_image_hash: string | null;
  hottest_image_id: number | null;
  hottest_slice_index: number | null;
  image_score_threshold: number | null;
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
              (SELECT i.hash FROM images i WHERE i.study_id = s.id ORDER BY i.id LIMIT 1)
                AS first_image_hash,
              (SELECT group_concat(name, ';') FROM (
                 SELECT f.name FROM label_findings lf JOIN findings f ON f.id = lf.finding_id
                 WHERE lf.study_id = s.id ORDER BY f.name)) AS findings,
              r.score, r.classifier_probability, r.hottest_image_id,
              (SELECT i.slice_index FROM images i WHERE i.id = r.hottest_image_id)
                AS hottest_slice_index,
              (SELECT json_extract(settings, '$.imageScoreThreshold') FROM runs
                 WHERE id = r.run_id) AS image_score_threshold,
              (SELECT rl.verdict FROM reference_labels rl WHERE rl.study_id = s.id
                 ORDER BY rl.created_at, rl.source LIMIT 1) AS reference_verdict
       FROM studies s JOIN labels l ON l.study_id = s.id
         LEFT JOIN run_study_scores r ON r.study_id = s.id AND r.run_id = @runId
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
    classifierProbability: row.classifier_probability,
    referenceVerdict: row.reference_verdict,
    firstImageHash: row.first_image_hash,
    aboveThreshold:
      row.score === null ? null : aboveThreshold(row.score, row.image_score_threshold ?? null),
    imageScoreThreshold: row.score === null ? null : (row.image_score_threshold ?? null),
    hottestImageId: row.hottest_image_id ?? null,
    hottestSliceIndex: row.hottest_slice_index ?? null,
  };
}
