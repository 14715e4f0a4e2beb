import type { AuditEntry, AuditQuery } from './types.ts';
import type { SqliteDatabase } from './database.ts';
import { now } from './context.ts';

export interface AuditRecord {
  actor: string;
  action: string;
  entity: string;
  entityId: number | null;
  before?: unknown;
  after?: unknown;
}

/** Call inside the transaction of the change it records, so the two commit or fail together. */
export function writeAudit(db: SqliteDatabase, record: AuditRecord): void {
  if (!db.inTransaction) throw new Error('audit entries must be written inside the change');
  db.prepare(
    `INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    now(),
    record.actor,
    record.action,
    record.entity,
    record.entityId,
    record.before === undefined ? null : JSON.stringify(record.before),
    record.after === undefined ? null : JSON.stringify(record.after),
  );
}

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: number | null;
  before: string | null;
  after: string | null;
}

export function readAudit(db: SqliteDatabase, query: AuditQuery = {}): AuditEntry[] {
  const where: string[] = [];
  const params: Record<string, unknown> = {
    limit: query.limit ?? 1000,
    offset: query.offset ?? 0,
  };
  if (query.entity !== undefined) {
    where.push('entity = @entity');
    params.entity = query.entity;
  }
  if (query.entityId !== undefined) {
    where.push('entity_id = @entityId');
    params.entityId = query.entityId;
  }
  const rows = db
    .prepare(
      `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id LIMIT @limit OFFSET @offset`,
    )
    .all(params) as AuditRow[];
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
  }));
}
