/**
 * A pull from a PACS (the app's Import > From a PACS): the library's pullStudies, the one the
 * CLI's `import --dicomweb` runs, with the session's credentials the runner handed over.
 */
import { CancelledError } from '../../engine/types.ts';
import type { PacsPullJobSpec, PacsPullResult } from '../../contract/index.ts';
import { Library, pullStudies } from '../../library/index.ts';
import { pacsConnection } from './pacsConnection.ts';
import type { JobKindRunner } from './types.ts';

export const runPacsPull: JobKindRunner<PacsPullJobSpec> = async ({
  spec,
  context,
  control,
  connection,
  libraryChanged,
}) => {
  const endpoint = pacsConnection(spec, connection);
  const library = Library.open(context.libraryDir);
  try {
    const summary = await pullStudies(
      library,
      endpoint,
      { studyUids: spec.studyUids, modality: spec.modality },
      {
        signal: control.signal,
        maxStudies: spec.studyUids.length,
        onProgress: ({ phase, done, total, etaSeconds }) =>
          control.onProgress?.({ phase, done, total, etaSeconds }),
      },
    );
    const count = (status: string) => summary.studies.filter((s) => s.status === status).length;
    if (count('imported') > 0) libraryChanged('import');
    // Studies pulled before the cancel are whole and stay; the rest resumes when pulled again.
    if (summary.cancelled) throw new CancelledError('pacs-pull');
    const result: PacsPullResult = {
      found: summary.found,
      imported: count('imported'),
      inLibrary: count('in-library'),
      images: summary.studies.reduce((sum, study) => sum + study.images, 0),
      failed: summary.studies.flatMap((study) => study.failed),
    };
    return result;
  } finally {
    library.close();
  }
};
