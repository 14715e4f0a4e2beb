/**
 * Send to PACS (Review): the library's stowRun, the one the CLI's `export --stow` runs, with
 * the session's credentials the runner handed over.
 */
import { CancelledError } from '../../engine/types.ts';
import type { PacsSendJobSpec } from '../../contract/index.ts';
import { Library, stowRun } from '../../library/index.ts';
import { pacsConnection } from './pacsConnection.ts';
import type { JobKindRunner } from './types.ts';

export const runPacsSend: JobKindRunner<PacsSendJobSpec> = async ({
  spec,
  context,
  control,
  connection,
}) => {
  const endpoint = pacsConnection(spec, connection);
  const library = Library.open(context.libraryDir);
  try {
    return await stowRun(library, spec.runId, endpoint, {
      studyIds: spec.studyIds,
      signal: control.signal,
      onProgress: (progress) => control.onProgress?.(progress),
    });
  } catch (error) {
    if (control.signal.aborted) throw new CancelledError('pacs-send');
    throw error;
  } finally {
    library.close();
  }
};
