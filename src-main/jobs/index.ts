export { JobRunner } from './runner.ts';
export type { JobRunnerOptions } from './runner.ts';
export { forkEngine, defaultWorkerPath, createTail } from './engine-process.ts';
export type { EngineProcess, EngineExit, SpawnEngine } from './engine-process.ts';
export type { EngineContext, ToEngine, FromEngine, BackendReportMessage } from './protocol.ts';
export { createBackendProbe } from './probe.ts';
export {
  jobStateFile,
  checkpointsDir,
  evaluationFile,
  evaluationsDir,
  trainedModelsDir,
} from './paths.ts';
