/**
 * The shapes of the things Anomap talks about (studies, labels, jobs, results), as zod schemas.
 * Pure data: this file imports nothing of ours and runs anywhere (Node, Electron, browser).
 */
import { z } from 'zod';

/** Studies, annotations and runs are rows of the library; their ids are SQLite row ids. */
export const StudyIdSchema = z.number().int().positive();
export const RunIdSchema = z.number().int().positive();
export const AnnotationIdSchema = z.number().int().positive();
/** Images are immutable files named by the hex SHA-256 of their content. */
export const ImageIdSchema = z
  .string()
  .regex(/^[a-f0-9]{16,128}$/, 'an image id is a hex content hash');
export const JobIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

export const VerdictSchema = z.enum(['normal', 'pathological', 'uncertain']);
export const ReviewStatusSchema = z.enum(['not-reviewed', 'in-progress', 'done', 'flagged']);
/** Findings come from the library's vocabulary (fastMRI+ names and more); checked there. */
export const FindingSchema = z.string().trim().min(1).max(120);

export const ImageInfoSchema = z.object({
  id: ImageIdSchema,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bitDepth: z.number().int().positive(),
  /** Millimetres per pixel (row, column) where the source said so. */
  pixelSpacing: z.tuple([z.number(), z.number()]).nullable(),
  sliceIndex: z.number().int().nonnegative(),
  originalPath: z.string().nullable(),
});

export const LabelSchema = z.object({
  verdict: VerdictSchema.nullable(),
  findings: z.array(FindingSchema),
  /** 1 (obvious) .. 5 (hard). */
  difficulty: z.number().int().min(1).max(5).nullable(),
  comment: z.string().max(10_000),
  status: ReviewStatusSchema,
});

export const BoxSchema = z.object({
  x: z.number().nonnegative(),
  y: z.number().nonnegative(),
  width: z.number().positive(),
  height: z.number().positive(),
});

export const AnnotationSchema = z.object({
  id: AnnotationIdSchema,
  studyId: StudyIdSchema,
  imageId: ImageIdSchema,
  finding: FindingSchema,
  kind: z.enum(['box', 'mask']),
  box: BoxSchema.nullable(),
  /** For masks: the stored mask image. */
  maskImageId: ImageIdSchema.nullable(),
  author: z.string(),
  createdAt: z.string(),
});

export const StudySummarySchema = z.object({
  id: StudyIdSchema,
  patientAlias: z.string().nullable(),
  studyDate: z.string().nullable(),
  modality: z.string().nullable(),
  source: z.string().nullable(),
  description: z.string().nullable(),
  /** Dataset split where the study came from a manifest (train/val/test). */
  split: z.string().nullable(),
  imageCount: z.number().int().nonnegative(),
  /** First image, for thumbnails. */
  thumbnailImageId: ImageIdSchema.nullable(),
  verdict: VerdictSchema.nullable(),
  status: ReviewStatusSchema,
  findings: z.array(FindingSchema),
  /** Anomaly score of the latest (or the filtered) run; an AI result, never a label. */
  score: z.number().nullable(),
});

/** Reconstruction settings, in the paper's words (ALGORITHM.md): L, k, s and the encoding. */
export const ReconstructionSettingsSchema = z.object({
  noiseLevel: z.number().int().min(1).max(999),
  stride: z.number().int().min(1).max(250),
  guidanceScale: z.number().min(0).max(1000),
  encoding: z.enum(['ddim', 'noise']),
  seed: z.number().int().nonnegative().optional(),
});

export const PresetNameSchema = z.enum(['fast', 'balanced', 'quality']);

export const RunSummarySchema = z.object({
  id: RunIdSchema,
  createdAt: z.string(),
  status: z.enum(['queued', 'running', 'finished', 'failed', 'cancelled']),
  settings: ReconstructionSettingsSchema,
  imageSize: z.number().int().positive(),
  modelVersions: z.record(z.string(), z.string()),
  studyCount: z.number().int().nonnegative(),
});

export const ResultSchema = z.object({
  runId: RunIdSchema,
  studyId: StudyIdSchema,
  imageId: ImageIdSchema,
  reconstructionImageId: ImageIdSchema,
  anomalyMapImageId: ImageIdSchema,
  score: z.number(),
  threshold: z.number().nullable(),
  /** Decision of the model (AI), kept apart from the human label. */
  predicted: VerdictSchema.nullable(),
  /** Captured denoising chain, when the run kept it. */
  chainImageIds: z.array(ImageIdSchema),
  settings: ReconstructionSettingsSchema,
});

export const StudyDetailSchema = StudySummarySchema.extend({
  images: z.array(ImageInfoSchema),
  label: LabelSchema.nullable(),
  annotations: z.array(AnnotationSchema),
  results: z.array(ResultSchema),
});

export const CurvePointSchema = z.tuple([z.number(), z.number()]);

export const EvaluationSchema = z.object({
  runId: RunIdSchema,
  split: z.string().nullable(),
  studyCount: z.number().int().nonnegative(),
  auroc: z.number().nullable(),
  auprc: z.number().nullable(),
  dice: z.number().nullable(),
  roc: z.array(CurvePointSchema),
  pr: z.array(CurvePointSchema),
  perFinding: z.array(
    z.object({
      finding: FindingSchema,
      count: z.number().int().nonnegative(),
      detected: z.number().int().nonnegative(),
      dice: z.number().nullable(),
    }),
  ),
  /** The unguided ablation (s = 0) beside the guided run, when it was run. */
  unguided: z
    .object({ runId: RunIdSchema, auroc: z.number().nullable(), auprc: z.number().nullable() })
    .nullable(),
});

export const ModelInfoSchema = z.object({
  id: z.string(),
  kind: z.enum(['diffusion', 'classifier']),
  version: z.string(),
  imageSize: z.number().int().positive(),
  checksum: z.string(),
  trainedOn: z.string().nullable(),
  card: z.string().nullable(),
});

export const ProgressSchema = z.object({
  phase: z.string(),
  done: z.number().nonnegative(),
  total: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
});
