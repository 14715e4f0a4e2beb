import { statSync, unlinkSync } from 'node:fs';
import type { LibraryContext } from './context.ts';

export interface PruneReport {
  /** Store files that a row of the database refers to. */
  kept: number;
  /** Files removed: unreferenced images and leftover temporary files. */
  removed: number;
  bytes: number;
}

/** Every column that names a file of the store. */
const REFERENCES = `
  SELECT hash FROM images
  UNION SELECT brain_mask_hash FROM images WHERE brain_mask_hash IS NOT NULL
  UNION SELECT healthy_mask_hash FROM images WHERE healthy_mask_hash IS NOT NULL
  UNION SELECT mask_hash FROM annotations WHERE mask_hash IS NOT NULL
  UNION SELECT reconstruction_hash FROM results
  UNION SELECT map_hash FROM results
  UNION SELECT hash FROM result_chain_frames`;

/**
 * Removes the store's files that no row refers to: images of an import killed before it
 * committed, results of a removed run, temporary files of an interrupted write. Files younger
 * than `minAgeMs` are left alone, since another process (the engine) may have written one and
 * not yet committed the row that refers to it.
 */
export function pruneStore(
  context: LibraryContext,
  options: { minAgeMs?: number; now?: number } = {},
): PruneReport {
  const minAgeMs = options.minAgeMs ?? 60 * 60_000;
  const cutoff = (options.now ?? Date.now()) - minAgeMs;
  const referenced = new Set(context.db.prepare(REFERENCES).pluck().all() as string[]);
  const report: PruneReport = { kept: 0, removed: 0, bytes: 0 };
  for (const { path, hash } of context.store.files()) {
    if (hash !== null && referenced.has(hash)) {
      report.kept++;
      continue;
    }
    const { mtimeMs, size } = statSync(path);
    if (mtimeMs > cutoff) continue;
    unlinkSync(path);
    report.removed++;
    report.bytes += size;
  }
  return report;
}
