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
    default:
      throw new Error(`jobs of kind '${spec.kind}' cannot run yet`);
  }
}
