/**
 * What a job kind gets when it runs inside the engine process.
 */
import type { DicomwebConnection } from '../../contract/index.ts';
import type { JobControl } from '../../engine/types.ts';
import type { JsonValue } from '../json.ts';
import type { EngineContext } from '../protocol.ts';

export interface JobRun<Spec> {
  jobId: string;
  spec: Spec;
  context: EngineContext;
  /** The runner allowed diagnostic jobs (tests only). */
  diagnostics?: boolean;
  /** A PACS job's server and credentials (memory only; absent after a restart). */
  connection?: DicomwebConnection;
  control: JobControl & { signal: AbortSignal };
  /** Tell the doors that the library changed (they reload what they show). */
  libraryChanged(reason: 'import' | 'results' | 'run', studyIds?: number[]): void;
}

export type JobKindRunner<Spec> = (run: JobRun<Spec>) => Promise<JsonValue>;
