/**
 * Import of files, folders and dataset manifests into the library, in the engine process so
 * decoding thousands of slices never blocks a door.
 */
import { CancelledError } from '../../engine/types.ts';
import type { ImportJobSpec, ImportSummary } from '../../contract/index.ts';
import { Library, importPaths } from '../../library/index.ts';
import type { JobKindRunner } from './types.ts';

export const runImport: JobKindRunner<ImportJobSpec> = async ({
  spec,
  context,
  control,
  libraryChanged,
}) => {
  const library = Library.open(context.libraryDir);
  try {
    const summary = await importPaths(library, spec.paths, {
      signal: control.signal,
      onProgress: (progress) => control.onProgress?.(progress),
    });
    if (summary.imported > 0) libraryChanged('import');
    // Studies imported before the cancel are whole and stay; the job still ends as cancelled.
    if (summary.cancelled) throw new CancelledError('import');
    const result: ImportSummary = {
      imported: summary.imported,
      duplicates: summary.duplicates,
      skipped: summary.skipped,
      studies: summary.studies,
      images: summary.images,
      failed: summary.failed.map(({ path, reason }) => ({ path, reason })),
    };
    return result;
  } finally {
    library.close();
  }
};
