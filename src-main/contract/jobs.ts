/**
 * Long jobs: what can be started, and how a job looks while it is queued, running and done.
 */
import { z } from 'zod';
import {
  ImageIdSchema,
  PresetNameSchema,
  ProgressSchema,
  ReconstructionSettingsSchema,
  RunIdSchema,
  SkippedSliceKindSchema,
  StudyIdSchema,
  JobIdSchema,
} from './schemas.ts';
import { PacsPullJobSpecSchema, PacsSendJobSpecSchema } from './pacs.ts';

export const JobPrioritySchema = z.enum(['low', 'normal', 'high']);

/** Settings of a reconstruction: a named preset, custom settings, or neither (the models' own). */
const reconstructionChoice = {
  preset: PresetNameSchema.optional(),
  settings: ReconstructionSettingsSchema.optional(),
};
const notBoth = [
  (spec: { preset?: unknown; settings?: unknown }) =>
    spec.preset === undefined || spec.settings === undefined,
  { message: 'give a preset or custom settings, not both' },
] as const;

export const ReconstructJobSpecSchema = z
  .object({
    kind: z.literal('reconstruct'),
    studyIds: z.array(StudyIdSchema).min(1).max(100_000),
    ...reconstructionChoice,
    /** Also run the unguided ablation (s = 0) with the same L and k, as a second run. */
    withUnguided: z.boolean().default(false),
    /** Keep each result's denoising chain (noising, denoising, guidance gradients) to play. */
    keepChain: z.boolean().default(false),
    /**
     * Map every slice, also those outside the mid-axial slab the models know (by default they
     * are left out, each with its reason: engine/volume/modelDomain.ts). Blank slices are
     * always left out.
     */
    allSlices: z.boolean().default(false),
  })
  .refine(...notBoth);

/**
 * A dataset manifest (brain-mid manifest.csv format) on this machine. Left out, the job reads
 * the library's own labels: the studies labelled normal or pathological, their splits and
 * their finding boxes.
 */
const datasetChoice = { manifestPath: z.string().min(1).max(4096).optional() };

/**
 * Training of one network. From the library: the diffusion model learns the normal studies, the
 * classifier normal against pathological ones; studies of the val and test splits are never
 * trained on.
 */
export const TrainJobSpecSchema = z.object({
  kind: z.literal('train'),
  model: z.enum(['diffusion', 'classifier']),
  ...datasetChoice,
  imageSize: z.union([z.literal(64), z.literal(128)]).default(64),
  steps: z.number().int().min(1).max(10_000_000),
  batchSize: z.number().int().min(1).max(1024).default(8),
  learningRate: z.number().positive().max(1).default(2e-4),
  /** Continue from the last checkpoint of an interrupted training of the same model. */
  resume: z.boolean().default(true),
});

/** Evaluates the models on a split of the library (or a dataset manifest) against its labels (ALGORITHM.md). */
export const EvaluateJobSpecSchema = z
  .object({
    kind: z.literal('evaluate'),
    ...datasetChoice,
    split: z.string().min(1).max(64).default('test'),
    /** Healthy images that calibrate the threshold (never the evaluated split). */
    calibrationSplit: z.string().min(1).max(64).default('val'),
    withUnguided: z.boolean().default(true),
    ...reconstructionChoice,
  })
  .refine(...notBoth);

export const ImportJobSpecSchema = z.object({
  kind: z.literal('import'),
  /** Absolute paths of files, folders or dataset manifests (CSV) on this machine. */
  paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000),
});

/**
 * A diagnostic job that counts to `steps` with progress; checks the job process without models.
 * It can fail or kill the engine process on purpose, so no door runs it: only a job runner
 * constructed with `diagnostics: true` (the tests) does.
 */
export const SelftestJobSpecSchema = z.object({
  kind: z.literal('selftest'),
  steps: z.number().int().min(1).max(100_000).default(10),
  stepMs: z.number().int().min(0).max(10_000).default(10),
  /** Throw an error at this step (checks that a failing job fails cleanly). */
  failAt: z.number().int().nonnegative().optional(),
  /** Kill the engine process at this step (checks crash recovery). */
  crashAt: z.number().int().nonnegative().optional(),
});

/** The jobs the app runs: what a door may start. */
export const JobSpecSchema = z.discriminatedUnion('kind', [
  ReconstructJobSpecSchema,
  TrainJobSpecSchema,
  EvaluateJobSpecSchema,
  ImportJobSpecSchema,
]);

/** Jobs that only check the job machinery; a runner without `diagnostics` refuses them. */
export const DiagnosticJobSpecSchema = z.discriminatedUnion('kind', [SelftestJobSpecSchema]);
export const DIAGNOSTIC_JOB_KINDS: readonly string[] = DiagnosticJobSpecSchema.options.map(
  (option) => option.shape.kind.value,
);

/**
 * What `startJob` parses: an app job or a diagnostic one. Parsing is not permission: the job
 * runner refuses a diagnostic kind unless it runs with diagnostics.
 */
export const StartableJobSpecSchema = z.discriminatedUnion('kind', [
  ...JobSpecSchema.options,
  ...DiagnosticJobSpecSchema.options,
]);

/**
 * Jobs that talk to a PACS: started only by startPacsPull and startPacsSend, which hand the
 * runner the session's credentials beside the spec (the spec, kept in the job list, has none).
 */
export const PacsJobSpecSchema = z.discriminatedUnion('kind', [
  PacsPullJobSpecSchema,
  PacsSendJobSpecSchema,
]);

/** What a job record carries: any job a door may start, by startJob or by a PACS method. */
export const AnyJobSpecSchema = z.discriminatedUnion('kind', [
  ...StartableJobSpecSchema.options,
  ...PacsJobSpecSchema.options,
]);

export const JobKindSchema = z.enum([
  'reconstruct',
  'train',
  'evaluate',
  'import',
  'selftest',
  'pacs-pull',
  'pacs-send',
]);

export const JobStatusSchema = z.enum([
  'queued',
  'running',
  'finished',
  'failed',
  'cancelled',
  /** Was running when the app stopped; training jobs are queued again to resume. */
  'interrupted',
]);

export const JobSchema = z.object({
  id: JobIdSchema,
  kind: JobKindSchema,
  spec: AnyJobSpecSchema,
  priority: JobPrioritySchema,
  status: JobStatusSchema,
  progress: ProgressSchema.nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  /** What the job produced (a run id, an import summary, ...), as plain JSON. */
  result: z.json().nullable(),
});

/** What each kind of job hands back in `job.result` once finished. */
export const ImportSummarySchema = z.object({
  imported: z.number().int().nonnegative(),
  /** Images already in the library (same content hash): recognised, not stored twice. */
  duplicates: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  studies: z.number().int().nonnegative(),
  images: z.number().int().nonnegative(),
  failed: z.array(z.object({ path: z.string(), reason: z.string() })),
});

/** An image a job left out and went on without, and why (a blank slice, say). */
export const SkippedImageSchema = z.object({
  studyId: StudyIdSchema,
  imageId: ImageIdSchema,
  /** Outside the models' domain, or blank; 'blank' for results saved before it was told. */
  kind: SkippedSliceKindSchema.default('blank'),
  reason: z.string(),
});

export const ReconstructResultSchema = z.object({
  runId: RunIdSchema,
  /** The unguided ablation's run, when asked for. */
  unguidedRunId: RunIdSchema.nullable(),
  /** Images with no result in the runs, each with its reason. */
  skipped: z.array(SkippedImageSchema).default([]),
  /** Slices with a map in the (guided) run; absent in results saved before it was told. */
  mapped: z.number().int().nonnegative().optional(),
});

export const TrainResultSchema = z.object({
  model: z.enum(['diffusion', 'classifier']),
  outDir: z.string(),
  steps: z.number().int().nonnegative(),
  resumedFrom: z.number().int().nonnegative(),
  finalLoss: z.number(),
  wallSeconds: z.number().nonnegative(),
  backend: z.string(),
  /** Trained on the library's labels rather than a dataset manifest. */
  fromLibrary: z.boolean(),
  /** Images of the manifest left out of training (a blank slice, say), each with its reason. */
  skipped: z.array(z.object({ image: z.string(), reason: z.string() })).default([]),
});

export const EvaluateResultSchema = z.object({
  evaluationId: JobIdSchema,
  imageAuroc: z.number(),
  unguidedImageAuroc: z.number().nullable(),
});

export const SelftestResultSchema = z.object({ counted: z.number().int().nonnegative() });
