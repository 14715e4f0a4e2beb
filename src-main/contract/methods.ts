/**
 * Every request Anomap's doors can make, with its params and its result, in one table.
 * The key is the method's name on every wire (IPC channel suffix, WebSocket, HTTP path).
 */
import { z } from 'zod';
import {
  AnnotationIdSchema,
  AnnotationSchema,
  BoxSchema,
  EvaluationSchema,
  FindingSchema,
  ImageHashSchema,
  ImageIdSchema,
  JobIdSchema,
  LabelChangeSchema,
  LabelSchema,
  ModelInfoSchema,
  ReaderAgreementSchema,
  ReconstructionSettingsSchema,
  ResultSchema,
  ReviewStatusSchema,
  RunIdSchema,
  RunSchema,
  StudyDetailSchema,
  StudyIdSchema,
  StudySummarySchema,
  VerdictSchema,
} from './schemas.ts';
import {
  JobKindSchema,
  JobPrioritySchema,
  JobSchema,
  JobStatusSchema,
  StartableJobSpecSchema,
} from './jobs.ts';
import { pacsMethods } from './pacsMethods.ts';

const NoParams = z.object({}).strict();

export const StudySortFieldSchema = z.enum([
  'created',
  'date',
  'patient',
  'source',
  'status',
  'verdict',
  /** Anomaly score of the run: highest first is the "next case to look at" order. */
  'score',
  /**
   * The run classifier's uncertainty about each study (its p(pathological) at t = 0): 'desc'
   * puts the most uncertain first, |p - 0.5| ascending, the "next case to label" order that
   * teaches the classifier most; 'asc' the most confident first. Studies without a probability
   * (no result in the run, or a run without a classifier) go last either way. Needs runId,
   * like 'score'.
   */
  'uncertainty',
]);

export const ListStudiesParamsSchema = z
  .object({
    search: z.string().max(200).optional(),
    verdict: z.union([VerdictSchema, z.literal('unlabelled')]).optional(),
    finding: FindingSchema.optional(),
    status: ReviewStatusSchema.optional(),
    split: z.string().max(64).optional(),
    source: z.string().max(200).optional(),
    scoreMin: z.number().optional(),
    scoreMax: z.number().optional(),
    /** Scores and classifier probabilities (and filters or sorts by them) come from this run. */
    runId: RunIdSchema.optional(),
    sort: StudySortFieldSchema.default('created'),
    order: z.enum(['asc', 'desc']).default('asc'),
    offset: z.number().int().nonnegative().default(0),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict();

export const ListStudiesResultSchema = z.object({
  total: z.number().int().nonnegative(),
  studies: z.array(StudySummarySchema),
});

export const BackendInfoSchema = z.object({
  /** tensorflow (native), wasm or cpu. */
  backend: z.enum(['tensorflow', 'wasm', 'cpu']),
  /** The npm package that provides it (e.g. @tensorflow/tfjs-node-gpu). */
  package: z.string(),
  /** Why this backend: what was tried before it and how it failed, or who forced it. */
  reason: z.string(),
  threads: z.number().int().nonnegative(),
  /** The library doing the work and its version, e.g. 'TensorFlow 2.21.0 (C library), tfjs-node 4.22.0'. */
  libraryVersion: z.string(),
  /** The version of that package, where it could be read. */
  packageVersion: z.string().nullable().default(null),
});

export const SettingsSchema = z.object({
  libraryDir: z.string(),
  modelsDir: z.string(),
  version: z.string(),
  /** Where the app runs: the desktop app or browser mode. */
  door: z.enum(['electron', 'browser']),
  presets: z.record(z.string(), ReconstructionSettingsSchema),
});

/** The models shipped or trained into the models folder, read from their manifests. */
export const InstalledModelsSchema = z.object({
  dir: z.string(),
  /** The model card (models/README.md), as Markdown. */
  card: z.string().nullable(),
  /** The operating point chosen for these models (preset.json). */
  preset: z.record(z.string(), z.unknown()).nullable(),
  models: z.array(
    z.object({
      kind: z.enum(['diffusion', 'classifier']),
      checksum: z.string(),
      imageSize: z.number().int().positive(),
      preprocessing: z.string(),
      training: z.record(z.string(), z.unknown()),
    }),
  ),
});

/** The table of methods: params in, result out. */
export const methods = {
  health: {
    params: NoParams,
    result: z.object({ ok: z.literal(true), version: z.string() }),
  },
  backendInfo: { params: NoParams, result: BackendInfoSchema },
  getSettings: { params: NoParams, result: SettingsSchema },
  /** Models registered in the library (each run names the ones that made it). */
  listModels: { params: NoParams, result: z.array(ModelInfoSchema) },
  installedModels: { params: NoParams, result: InstalledModelsSchema },
  listRuns: { params: NoParams, result: z.array(RunSchema) },
  listFindings: {
    params: NoParams,
    result: z.array(z.object({ name: z.string(), source: z.string() })),
  },

  listStudies: { params: ListStudiesParamsSchema, result: ListStudiesResultSchema },
  /** A study with its images, label, annotations and the results of a run (default: latest). */
  getStudy: {
    params: z.object({ studyId: StudyIdSchema, runId: RunIdSchema.optional() }).strict(),
    result: StudyDetailSchema,
  },
  /** Reader-vs-reference agreement (Cohen's kappa) over the studies both labelled. */
  readerAgreement: {
    params: z.object({ split: z.string().max(64).optional() }).strict(),
    result: ReaderAgreementSchema,
  },
  /**
   * The splits there are to choose from, with how many studies (library) or rows (a dataset
   * manifest) each holds: forms offer these instead of a free-text field a typo defeats.
   */
  listSplits: {
    params: z.object({ manifestPath: z.string().min(1).max(4096).optional() }).strict(),
    result: z.array(z.object({ split: z.string(), count: z.number().int().nonnegative() })),
  },
  /** Where to fetch a stored image's PNG and its raw pixels (see pixels.ts), by its hash. */
  imageUrl: {
    params: z.object({ hash: ImageHashSchema }).strict(),
    result: z.object({ url: z.string(), pixelsUrl: z.string() }),
  },

  setLabel: {
    params: z
      .object({
        studyId: StudyIdSchema,
        label: LabelChangeSchema,
        author: z.string().min(1).max(200).optional(),
      })
      .strict(),
    result: LabelSchema,
  },
  addAnnotation: {
    params: z
      .object({
        imageId: ImageIdSchema,
        finding: FindingSchema.nullable(),
        box: BoxSchema,
        author: z.string().min(1).max(200).optional(),
      })
      .strict(),
    result: AnnotationSchema,
  },
  updateAnnotation: {
    params: z
      .object({
        annotationId: AnnotationIdSchema,
        finding: FindingSchema.nullable().optional(),
        box: BoxSchema.optional(),
        author: z.string().min(1).max(200).optional(),
      })
      .strict(),
    result: AnnotationSchema,
  },
  deleteAnnotation: {
    params: z
      .object({ annotationId: AnnotationIdSchema, author: z.string().min(1).max(200).optional() })
      .strict(),
    result: z.object({ deleted: z.literal(true) }),
  },

  /** Import files, folders or dataset manifests; runs as a job ('import'). */
  startImport: {
    params: z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000) }).strict(),
    result: JobSchema,
  },
  /** A diagnostic kind parses here but is refused by the job runner of every door. */
  startJob: {
    params: z
      .object({ spec: StartableJobSpecSchema, priority: JobPrioritySchema.default('normal') })
      .strict(),
    result: JobSchema,
  },
  cancelJob: { params: z.object({ jobId: JobIdSchema }).strict(), result: JobSchema },
  /** The jobs of this session, optionally only those of one status and/or one kind. */
  listJobs: {
    params: z
      .object({ status: JobStatusSchema.optional(), kind: JobKindSchema.optional() })
      .strict(),
    result: z.array(JobSchema),
  },

  getResult: {
    params: z.object({ runId: RunIdSchema, studyId: StudyIdSchema }).strict(),
    /** One result per image of the study that the run reconstructed. */
    result: z.array(ResultSchema),
  },
  listEvaluations: { params: NoParams, result: z.array(EvaluationSchema) },
  getEvaluation: {
    params: z.object({ evaluationId: JobIdSchema }).strict(),
    result: EvaluationSchema.nullable(),
  },
  /** Writes the CSV and JSON report of a run (and its maps as PNG) into the library's exports. */
  exportReport: {
    params: z.object({ runId: RunIdSchema }).strict(),
    result: z.object({ files: z.array(z.object({ path: z.string(), url: z.string() })) }),
  },
  /**
   * Writes a study's results of a run as DICOM Secondary Capture (anomaly map and
   * reconstruction, in the source study) and their masks as NIfTI into the library's exports.
   * studyUidGenerated: the source was not DICOM, so the objects sit in a new study.
   */
  exportResultDicom: {
    params: z.object({ runId: RunIdSchema, studyId: StudyIdSchema }).strict(),
    result: z.object({
      files: z.array(z.object({ path: z.string(), url: z.string() })),
      studyUidGenerated: z.boolean(),
    }),
  },
  /**
   * Writes a result's kept denoising chain as an animated GIF (x_t | gradient per step, ending on
   * the reconstruction) and a JSON naming each frame's phase and t into the library's exports.
   */
  exportChainGif: {
    params: z.object({ resultId: z.number().int().positive() }).strict(),
    result: z.object({
      files: z.array(z.object({ path: z.string(), url: z.string() })),
      frames: z.number().int().positive(),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
    }),
  },
  /**
   * One folder of this machine for the import picker (browser mode): subfolders first, then
   * files, each with its size in bytes; dot entries hidden unless asked; at most 5,000 entries.
   * Without a path, the user's home folder. A path that is not a folder is a bad request.
   */
  listDirectory: {
    params: z
      .object({
        path: z.string().min(1).max(4096).optional(),
        showHidden: z.boolean().default(false),
      })
      .strict(),
    result: z.object({
      path: z.string(),
      parent: z.string().nullable(),
      entries: z.array(
        z.object({
          name: z.string(),
          kind: z.enum(['file', 'dir']),
          sizeBytes: z.number().int().nonnegative().nullable(),
        }),
      ),
      /** Entries left out past the cap (or that could not be read). */
      omitted: z.number().int().nonnegative(),
      /** Names that are not UTF-8, escaped (\xNN): shown, but they cannot be picked. */
      undecodable: z.array(z.string()).default([]),
    }),
  },
  ...pacsMethods,
} as const;

export type MethodName = keyof typeof methods;
export const methodNames = Object.keys(methods) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name);
}

/** What a caller passes (defaults may be left out). */
export type ParamsOf<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
/** What a handler receives after validation (defaults filled in). */
export type ParsedParamsOf<M extends MethodName> = z.output<(typeof methods)[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<(typeof methods)[M]['result']>;
