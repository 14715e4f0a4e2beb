/**
 * The one contract of Anomap: every request, response and event, as zod schemas with the
 * TypeScript types derived from them. Imports nothing of ours; any layer may import it.
 */
import type { z } from 'zod';
import * as schemas from './schemas.ts';
import * as jobs from './jobs.ts';
import * as methodSchemas from './methods.ts';

export * from './schemas.ts';
export * from './jobs.ts';
export * from './methods.ts';
export * from './events.ts';
export * from './errors.ts';
export * from './wire.ts';
export * from './pixels.ts';
export * from './presets.ts';
export * from './operatingPoint.ts';
export * from './seededRandom.ts';
export * from './client.ts';
export * from './chainSteps.ts';
export * from './verdictPerformance.ts';
export * from './agreement.ts';
export * from './pacs.ts';
export * from './pacsMethods.ts';

export type StudyId = z.infer<typeof schemas.StudyIdSchema>;
export type RunId = z.infer<typeof schemas.RunIdSchema>;
export type ImageId = z.infer<typeof schemas.ImageIdSchema>;
export type AnnotationId = z.infer<typeof schemas.AnnotationIdSchema>;
export type JobId = z.infer<typeof schemas.JobIdSchema>;
export type Verdict = z.infer<typeof schemas.VerdictSchema>;
export type ReviewStatus = z.infer<typeof schemas.ReviewStatusSchema>;
export type ImageInfo = z.infer<typeof schemas.ImageInfoSchema>;
export type Label = z.infer<typeof schemas.LabelSchema>;
export type Box = z.infer<typeof schemas.BoxSchema>;
export type Annotation = z.infer<typeof schemas.AnnotationSchema>;
export type StudySummary = z.infer<typeof schemas.StudySummarySchema>;
export type StudyDetail = z.infer<typeof schemas.StudyDetailSchema>;
export type SkippedSlice = z.infer<typeof schemas.SkippedSliceSchema>;
export type ReferenceLabel = z.infer<typeof schemas.ReferenceLabelSchema>;
export type ReaderAgreement = z.infer<typeof schemas.ReaderAgreementSchema>;
export type ReconstructionSettings = z.infer<typeof schemas.ReconstructionSettingsSchema>;
export type Encoding = z.infer<typeof schemas.EncodingSchema>;
export type MapMethod = z.infer<typeof schemas.MapMethodSchema>;
export type Residual = z.infer<typeof schemas.ResidualSchema>;
export type ImageScoreSource = z.infer<typeof schemas.ImageScoreSourceSchema>;
export type MapNormalisation = z.infer<typeof schemas.MapNormalisationSchema>;
export type PresetName = z.infer<typeof schemas.PresetNameSchema>;
export type Run = z.infer<typeof schemas.RunSchema>;
/** @deprecated the same as Run. */
export type RunSummary = Run;
export type ImageHash = z.infer<typeof schemas.ImageHashSchema>;
export type LabelChange = z.infer<typeof schemas.LabelChangeSchema>;
export type QuantisationScale = z.infer<typeof schemas.QuantisationScaleSchema>;
export type Result = z.infer<typeof schemas.ResultSchema>;
export type Evaluation = z.infer<typeof schemas.EvaluationSchema>;
export type VariantMetrics = z.infer<typeof schemas.VariantMetricsSchema>;
export type DetectionCounts = z.infer<typeof schemas.DetectionCountsSchema>;
export type LabFindingF1 = z.infer<typeof schemas.LabFindingF1Schema>;
export type MetricInterval = z.infer<typeof schemas.MetricIntervalSchema>;
export type ImageVerdict = z.infer<typeof schemas.ImageVerdictSchema>;
export type ModelInfo = z.infer<typeof schemas.ModelInfoSchema>;
export type Progress = z.infer<typeof schemas.ProgressSchema>;

export type JobSpec = z.output<typeof jobs.JobSpecSchema>;
export type JobSpecInput = z.input<typeof jobs.JobSpecSchema>;
export type DiagnosticJobSpec = z.output<typeof jobs.DiagnosticJobSpecSchema>;
/** An app job or a diagnostic one, as `startJob` parses it and a job record keeps it. */
export type AnyJobSpec = z.output<typeof jobs.AnyJobSpecSchema>;
export type AnyJobSpecInput = z.input<typeof jobs.AnyJobSpecSchema>;
/** What `startJob` takes: an app job or a diagnostic one (PACS jobs have their own methods). */
export type StartableJobSpec = z.output<typeof jobs.StartableJobSpecSchema>;
export type JobKind = z.infer<typeof jobs.JobKindSchema>;
export type JobStatus = z.infer<typeof jobs.JobStatusSchema>;
export type JobPriority = z.infer<typeof jobs.JobPrioritySchema>;
export type Job = z.infer<typeof jobs.JobSchema>;
export type ReconstructJobSpec = z.output<typeof jobs.ReconstructJobSpecSchema>;
export type TrainJobSpec = z.output<typeof jobs.TrainJobSpecSchema>;
export type EvaluateJobSpec = z.output<typeof jobs.EvaluateJobSpecSchema>;
export type ImportJobSpec = z.output<typeof jobs.ImportJobSpecSchema>;
export type SelftestJobSpec = z.output<typeof jobs.SelftestJobSpecSchema>;
export type ImportSummary = z.infer<typeof jobs.ImportSummarySchema>;
export type ReconstructResult = z.infer<typeof jobs.ReconstructResultSchema>;
export type TrainResult = z.infer<typeof jobs.TrainResultSchema>;
export type EvaluateResult = z.infer<typeof jobs.EvaluateResultSchema>;
export type SelftestResult = z.infer<typeof jobs.SelftestResultSchema>;

export type ListStudiesParams = z.input<typeof methodSchemas.ListStudiesParamsSchema>;
export type ListStudiesResult = z.infer<typeof methodSchemas.ListStudiesResultSchema>;
export type BackendInfo = z.infer<typeof methodSchemas.BackendInfoSchema>;
export type AppSettings = z.infer<typeof methodSchemas.SettingsSchema>;
export type InstalledModels = z.infer<typeof methodSchemas.InstalledModelsSchema>;
export * from './bridge-errors.ts';
