import { writeFileSync } from 'node:fs';
import type { Library } from '../library.ts';
import { csvLine } from './csvText.ts';

/** The whole audit log as CSV (before/after as JSON text) or JSON, by the file's extension. */
export function exportAudit(library: Library, outFile: string): number {
  const entries = [];
  for (let offset = 0; ; offset += 1000) {
    const page = library.auditLog({ offset, limit: 1000 });
    entries.push(...page);
    if (page.length < 1000) break;
  }
  if (outFile.toLowerCase().endsWith('.json')) {
    writeFileSync(outFile, JSON.stringify(entries, null, 2) + '\n');
  } else {
    const lines = entries.map((entry) =>
      csvLine([
        entry.id,
        entry.at,
        entry.actor,
        entry.action,
        entry.entity,
        entry.entityId,
        JSON.stringify(entry.before),
        JSON.stringify(entry.after),
      ]),
    );
    writeFileSync(
      outFile,
      [
        csvLine(['id', 'at', 'actor', 'action', 'entity', 'entity_id', 'before', 'after']),
        ...lines,
      ].join('\n') + '\n',
    );
  }
  return entries.length;
}
