/**
 * Messages between the job runner (main process) and the engine process that runs a job.
 * What comes back from the engine process is validated: a broken process must not break us.
 */
import { z } from 'zod';
import { AnyJobSpecSchema, DicomwebConnectionSchema, ProgressSchema } from '../contract/index.ts';
import type { AnyJobSpec, DicomwebConnection, Progress } from '../contract/index.ts';

/** Where the engine process finds the library, the models and its checkpoints. */
export interface EngineContext {
  libraryDir: string;
  modelsDir: string;
  /** Training checkpoints, kept so an interrupted training resumes. */
  checkpointsDir: string;
}

export type ToEngine =
  | {
      type: 'run';
      jobId: string;
      spec: AnyJobSpec;
      context: EngineContext;
      /** The runner runs diagnostic jobs; without it the engine refuses them too. */
      diagnostics?: boolean;
      /** A PACS job's server and credentials: in memory and on this channel only. */
      connection?: DicomwebConnection;
    }
  | { type: 'cancel'; jobId: string }
  /** Asks which TensorFlow.js backend the engine process starts, and why. */
  | { type: 'probe' };

export const BackendReportSchema = z.object({
  name: z.enum(['tensorflow', 'wasm', 'cpu']),
  package: z.string(),
  reason: z.string(),
  threads: z.number().int().nonnegative(),
  libraryVersion: z.string(),
});
export type BackendReportMessage = z.infer<typeof BackendReportSchema>;

export const ProbeAnswerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('backend'), report: BackendReportSchema }),
  z.object({ type: z.literal('probe-failed'), message: z.string() }),
]);
export type ProbeAnswer = z.infer<typeof ProbeAnswerSchema>;

export const FromEngineSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), jobId: z.string(), progress: ProgressSchema }),
  z.object({ type: z.literal('done'), jobId: z.string(), result: z.json().nullable() }),
  z.object({
    type: z.literal('error'),
    jobId: z.string(),
    message: z.string(),
    cancelled: z.boolean(),
  }),
  z.object({
    type: z.literal('library-changed'),
    jobId: z.string(),
    reason: z.enum(['import', 'label', 'annotation', 'results', 'run']),
    studyIds: z.array(z.number().int().positive()).optional(),
  }),
]);
export type FromEngine = z.infer<typeof FromEngineSchema> | ProbeAnswer;

export const RunMessageSchema = z.object({
  type: z.literal('run'),
  jobId: z.string(),
  spec: AnyJobSpecSchema,
  context: z.object({ libraryDir: z.string(), modelsDir: z.string(), checkpointsDir: z.string() }),
  diagnostics: z.boolean().default(false),
  connection: DicomwebConnectionSchema.optional(),
});
export const ToEngineSchema = z.union([
  RunMessageSchema,
  z.object({ type: z.literal('cancel'), jobId: z.string() }),
  z.object({ type: z.literal('probe') }),
]);

export type { Progress };
