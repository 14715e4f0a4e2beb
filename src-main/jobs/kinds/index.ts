/**
 * Which code runs each job kind inside the engine process. Kinds are loaded on demand, so a
 * selftest or an import never loads TensorFlow.js.
 */
import type { AnyJobSpec } from '../../contract/index.ts';
import type { JsonValue } from '../json.ts';
import type { JobRun } from './types.ts';

export async function runJobKind(run: JobRun<AnyJobSpec>): Promise<JsonValue> {
  const { spec } = run;
  switch (spec.kind) {
    case 'selftest':
      // It can kill this process on purpose: only for a runner that runs diagnostics (tests).
      if (!run.diagnostics)
        throw new Error(
          `job kind 'selftest' is a diagnostic job; this engine was not asked for diagnostics`,
        );
      return (await import('./selftest.ts')).runSelftest({ ...run, spec });
    case 'import':
      return (await import('./import.ts')).runImport({ ...run, spec });
    case 'reconstruct':
      return (await import('./reconstruct.ts')).runReconstruct({ ...run, spec });
    case 'train':
      return (await import('./train.ts')).runTrain({ ...run, spec });
    case 'evaluate':
      return (await import('./evaluate.ts')).runEvaluate({ ...run, spec });
    case 'pacs-pull':
      return (await import('./pacsPull.ts')).runPacsPull({ ...run, spec });
    case 'pacs-send':
      return (await import('./pacsSend.ts')).runPacsSend({ ...run, spec });
  }
}
