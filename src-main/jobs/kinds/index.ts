/**
 * Which code runs each job kind inside the engine process. Kinds are loaded on demand, so a
 * selftest or an import never loads TensorFlow.js.
 */
import type { JobSpec } from '../../contract/index.ts';
import type { JsonValue } from '../json.ts';
import type { JobRun } from './types.ts';

export async function runJobKind(run: JobRun<JobSpec>): Promise<JsonValue> {
  const { spec } = run;
  switch (spec.kind) {
    case 'selftest':
      return (await import('./selftest.ts')).runSelftest({ ...run, spec });
    case 'import':
      return (await import('./import.ts')).runImport({ ...run, spec });
    case 'reconstruct':
      return (await import('./reconstruct.ts')).runReconstruct({ ...run, spec });
    case 'train':
      return (await import('./train.ts')).runTrain({ ...run, spec });
    case 'evaluate':
      return (await import('./evaluate.ts')).runEvaluate({ ...run, spec });
  }
}
