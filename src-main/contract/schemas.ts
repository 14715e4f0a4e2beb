/**
 * The shapes of the things Anomap talks about (studies, labels, jobs, results), as zod schemas.
 * Pure data: this file imports nothing of ours and runs anywhere (Node, Electron, browser).
 */
import { z } from 'zod';

/** Studies, images (slices), annotations, runs and models are library rows: SQLite row ids. */
export const StudyIdSchema = z.number().int().positive();
export const ImageIdSchema = z.number().int().positive();
export const RunIdSchema = z.number().int().positive();
export const AnnotationIdSchema = z.number().int().positive();
export const ModelIdSchema = z.number().int().positive();
/**
 * Stored image files (slices, masks, reconstructions, anomaly maps) are immutable PNGs named
 * by the SHA-256 of their pixels; their bytes are fetched by this hash (see routes in wire.ts).
 */
export const ImageHashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'an image hash is 64 hex digits');
export const JobIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

export const VerdictSchema = z.enum(['normal', 'pathological', 'uncertain']);
export const ReviewStatusSchema = z.enum(['not-reviewed', 'in-progress', 'done', 'flagged']);
/** Findings come from the library's vocabulary (fastMRI+ names and more); checked there. */
export const FindingSchema = z.string().trim().min(1).max(120);

/** Stored value -> source value: `value = stored * valueSlope + valueIntercept`. */
export const ImageInfoSchema = z.object({
  id: ImageIdSchema,
  studyId: StudyIdSchema,
  hash: ImageHashSchema,
  seriesUid: z.string().nullable(),
  seriesDescription: z.string().nullable(),
  sliceIndex: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bitDepth: z.union([z.literal(8), z.literal(16)]),
  valueSlope: z.number(),
  valueIntercept: z.number(),
  /** Millimetres per pixel (row, column) where the source said so. */
  pixelSpacing: z.tuple([z.number(), z.number()]).nullable(),
  sliceThickness: z.number().nullable(),
  /** Window from the source header (DICOM), in source units. */
  windowCenter: z.number().nullable(),
  windowWidth: z.number().nullable(),
  originalPath: z.string(),
  brainMaskHash: ImageHashSchema.nullable(),
  healthyMaskHash: ImageHashSchema.nullable(),
  /**
   * Where the slice lies in its volume: its distance (mm) along the slice normal (DICOM: Image
   * Position Patient projected on the normal of Image Orientation Patient; NIfTI: the affine's
   * superior axis for axial slices). A study's slices are numbered (`sliceIndex`) in this order.
   * Null where the source gave no geometry (PNG, JPEG, TIFF; DICOM without a position).
   */
  slicePositionMm: z.number().nullable().default(null),
  /** Distance (mm) between neighbouring slices of its series; null for one slice or no geometry. */
  sliceSpacingMm: z.number().nullable().default(null),
});

/** The human label of a study; never mixed with an AI result. */
export const LabelSchema = z.object({
  studyId: StudyIdSchema,
  verdict: VerdictSchema.nullable(),
  findings: z.array(FindingSchema),
  /** 1 (obvious) .. 5 (hard). */
  difficulty: z.number().int().min(1).max(5).nullable(),
  comment: z.string().max(10_000).nullable(),
  status: ReviewStatusSchema,
  author: z.string().nullable(),
  updatedAt: z.string().nullable(),
});

/** What a person may change in a label (each field optional; absent fields stay). */
export const LabelChangeSchema = z
  .object({
    verdict: VerdictSchema.nullable(),
    findings: z.array(FindingSchema).max(100),
    difficulty: z.number().int().min(1).max(5).nullable(),
    comment: z.string().max(10_000).nullable(),
    status: ReviewStatusSchema,
  })
  .partial()
  .strict();

export const BoxSchema = z.object({
  x: z.number().nonnegative(),
  y: z.number().nonnegative(),
  width: z.number().positive(),
  height: z.number().positive(),
});

export const AnnotationSchema = z.object({
  id: AnnotationIdSchema,
  imageId: ImageIdSchema,
  finding: FindingSchema.nullable(),
  kind: z.enum(['box', 'mask']),
  box: BoxSchema.nullable(),
  /**
   * The stored mask image (its pixels through imageUrl's pixelsUrl; non-zero = finding). For a
   * mask: the image's size. For a box (a dataset's reference region): the region's own shape,
   * box.width x box.height, placed at the box's corner; null where only the box is known.
   */
  maskHash: ImageHashSchema.nullable(),
  author: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const StudySummarySchema = z.object({
  id: StudyIdSchema,
  /** Identity of the study in its source (DICOM StudyInstanceUID, file path, ...). */
  uid: z.string(),
  patientAlias: z.string().nullable(),
  studyDate: z.string().nullable(),
  modality: z.string().nullable(),
  source: z.string().nullable(),
  description: z.string().nullable(),
  /** Dataset split where the study came from a manifest (train/val/test). */
  split: z.string().nullable(),
  createdAt: z.string(),
  imageCount: z.number().int().nonnegative(),
  /** First image, for thumbnails. */
  firstImageId: ImageIdSchema.nullable(),
  /** Content hash of that image, to fetch its pixels for a thumbnail. */
  firstImageHash: ImageHashSchema.nullable().default(null),
  verdict: VerdictSchema.nullable(),
  status: ReviewStatusSchema,
  findings: z.array(FindingSchema),
  /** Highest image score of the asked (or latest) run: an AI result, never a label. */
  score: z.number().nullable(),
  /**
   * Highest classifier p(pathological | x_0, t = 0) over the study's images in that run; null
   * without a run, or when the run had no classifier. An AI result, never a label.
   */
  classifierProbability: z.number().min(0).max(1).nullable().default(null),
  /**
   * The reference label's verdict (one that came with a dataset, or another reader's): kept
   * apart from the reader's own `verdict`, and hidden by the renderer while reading blind.
   */
  referenceVerdict: VerdictSchema.nullable().default(null),
  /**
   * The study's verdict in that run: its score (the highest image score of its mapped slices)
   * above the run's image operating point (`score > imageScoreThreshold`); null without a
   * score or an operating point. An AI result, never a label.
   */
  aboveThreshold: z.boolean().nullable().default(null),
  /** The run's image operating point, in the units of its image score. */
  imageScoreThreshold: z.number().nullable().default(null),
  /** The slice whose score is the study's score (the hottest slice), and its index. */
  hottestImageId: ImageIdSchema.nullable().default(null),
  hottestSliceIndex: z.number().int().nonnegative().nullable().default(null),
});

/** A label the reader did not give: a dataset's, or another reader's. */
export const ReferenceLabelSchema = z.object({
  studyId: StudyIdSchema,
  /** "dataset:manifest.csv", or another reader's name. */
  source: z.string(),
  verdict: VerdictSchema.nullable(),
  findings: z.array(FindingSchema),
  createdAt: z.string(),
});

/** How a slice is encoded into noise before the guided decoding (ALGORITHM.md). */
export const EncodingSchema = z.enum(['ddim', 'noise']);
/**
 * 'reconstruction': the residual of the guided reconstruction (ALGORITHM.md). 'stitch': AutoDDPM's
 * mask, stitch and re-sample (Bercea et al. 2023), seeded by the reconstruction's map.
 * 'patches': patch-wise noising as pDDPM does (Behrendt et al. 2023): each patch is noised to L
 * and re-synthesised with the rest of the slice as context, one patch at a time.
 */
export const MapMethodSchema = z.enum(['reconstruction', 'stitch', 'patches']);
/** 'l1': |x - x_hat|; 'l1-ssim': |x - x_hat| (1 - local SSIM). Both on intensities in [-1, 1]. */
export const ResidualSchema = z.enum(['l1', 'l1-ssim']);
/** 'map': mean of the top map values in the brain; 'classifier': p(pathological | x_0, t = 0). */
export const ImageScoreSourceSchema = z.enum(['map', 'classifier']);
/**
 * The map against healthy anatomy (the residual of healthy brains is not uniform: skull rim,
 * ventricles, sulci). 'none': the residual as it is. 'healthy-mean': the residual minus its mean
 * at that pixel over healthy training images, clipped at 0 (map units kept). 'healthy-ratio':
 * the residual over (that mean + half the median healthy spread): how many times the usual.
 * 'healthy-z': (residual - that mean) / that spread (at least half the median spread), clipped
 * at 0: how many healthy standard deviations above the usual.
 */
export const MapNormalisationSchema = z.enum([
  'none',
  'healthy-mean',
  'healthy-ratio',
  'healthy-z',
]);

/**
 * What each normalisation makes of the map, in one technical phrase: the CLI's help and the
 * evaluation's map units say it (the Review view has its own words for readers).
 */
export const MAP_NORMALISATION_MEANING: Record<z.infer<typeof MapNormalisationSchema>, string> = {
  none: 'the residual as it is',
  'healthy-mean': "minus the healthy residual's mean at each pixel (clipped at 0)",
  'healthy-ratio': 'over the healthy residual at each pixel (its mean + half the median spread)',
  'healthy-z': "in healthy standard deviations above the healthy residual's mean (clipped at 0)",
};

/**
 * The settings that change a reconstruction, in the paper's words (ALGORITHM.md): L, k, s and the
 * encoding, and how the map is made. Stored with every result, so a map can be reproduced.
 */
export const ReconstructionSettingsSchema = z.object({
  /** L: the timestep the slice is encoded to. */
  noiseLevel: z.number().int().min(1).max(999),
  /** k: the DDIM stride; k = L decodes in one step (x0 predicted from x_L). */
  stride: z.number().int().min(1).max(999),
  /** s: the classifier guidance scale; 0 is the unguided ablation. */
  guidanceScale: z.number().min(0).max(1000),
  /** 'ddim': deterministic DDIM inversion; 'noise': x_L = q_sample(x_0, L). */
  encoding: EncodingSchema,
  /** Seed for the 'noise' encoding, so a result can be reproduced. */
  seed: z.number().int().nonnegative().optional(),
  /** How the map is made; 'reconstruction' when absent. */
  mapMethod: MapMethodSchema.optional(),
  /** 'patches': side of the square patches (pixels) re-synthesised one at a time; default 16. */
  patchSize: z.number().int().min(4).max(256).optional(),
  /** The residual between input and reconstruction; 'l1' when absent. */
  residual: ResidualSchema.optional(),
  /** 'noise' encoding: residuals averaged over this many draws (seeds seed, seed + 1, ...); 1. */
  noiseDraws: z.number().int().min(1).max(64).optional(),
  /**
   * An ensemble over noise levels ('noise' encoding): the residuals of the draws at each of
   * these L are averaged (Naval Marimont et al. 2024); noiseLevel must be one of them (its
   * chain is the one kept). Absent: noiseLevel alone.
   */
  noiseLevels: z.array(z.number().int().min(1).max(999)).min(1).max(8).optional(),
  /** The map against healthy anatomy (models' healthy-residual.json); 'none' when absent. */
  mapNormalisation: MapNormalisationSchema.optional(),
  /** 'stitch': the timestep the stitched slice is re-noised to; default the noise level L. */
  resampleLevel: z.number().int().min(1).max(999).optional(),
  /** 'stitch': dilation (pixels) of the coarse mask; default 2. */
  maskDilation: z.number().int().min(0).max(16).optional(),
  /** 'stitch': map value above which the first map marks the coarse mask (map units). */
  maskThreshold: z.number().min(0).optional(),
  /** The image score: 'map' (mean of the top map values, default) or the classifier's p(x_0). */
  imageScore: ImageScoreSourceSchema.optional(),
});

export const PresetNameSchema = z.enum(['fast', 'balanced', 'quality']);

/** A run: one batch of reconstructions with the settings and models that made it. */
export const RunSchema = z.object({
  id: RunIdSchema,
  name: z.string().nullable(),
  /** L, k, s, encoding, image size and whatever else changed the result. */
  settings: z.record(z.string(), z.unknown()),
  modelIds: z.array(ModelIdSchema),
  status: z.enum(['running', 'done', 'failed']),
  error: z.string().nullable(),
  timings: z.record(z.string(), z.number()).nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});

/** Stored maps are quantised to 16-bit PNG; `value = min + stored / 65535 * (max - min)`. */
export const QuantisationScaleSchema = z.object({ min: z.number(), max: z.number() });

/** One frame of a result's denoising chain: an 8-bit display image at the model's size. */
export const ChainFrameSchema = z.object({
  /** noising (DDIM inversion or q_sample), guided denoising, or the guidance gradient. */
  phase: z.enum(['noising', 'denoising', 'gradient']),
  t: z.number().int().nonnegative(),
  hash: ImageHashSchema,
});

export const ResultSchema = z.object({
  id: z.number().int().positive(),
  runId: RunIdSchema,
  imageId: ImageIdSchema,
  studyId: StudyIdSchema,
  reconstructionHash: ImageHashSchema,
  reconstructionScale: QuantisationScaleSchema,
  mapHash: ImageHashSchema,
  mapScale: QuantisationScaleSchema,
  /** Image score: the mean of the top fraction of the map inside the brain. */
  score: z.number(),
  /** The run's pixel cut-off (map value) for binary maps and the overlay. */
  pixelThreshold: z.number().nullable(),
  /**
   * The run's image operating point (image score): the AI verdict is pathological where
   * `score > imageScoreThreshold` (aboveThreshold). Null for runs made without one.
   */
  imageScoreThreshold: z.number().nullable(),
  /** @deprecated The same as pixelThreshold, kept until the renderer's overlay reads that name. */
  threshold: z.number().nullable(),
  /** The classifier's p(pathological | x_0, t = 0) for the image; null when the run had none. */
  classifierProbability: z.number().min(0).max(1).nullable().default(null),
  /** The denoising chain in playing order; empty unless the run kept it. */
  chain: z.array(ChainFrameSchema).default([]),
  createdAt: z.string(),
});

/**
 * Why a run did not map a slice: 'outside-domain', outside the mid-axial slab the models were
 * trained on (engine/volume/modelDomain.ts; a job maps those only when asked for all slices), or
 * 'blank', nothing to normalise or score. The reason is said in words, for the viewer.
 */
export const SkippedSliceKindSchema = z.enum(['outside-domain', 'blank']);
export const SkippedSliceSchema = z.object({
  imageId: ImageIdSchema,
  kind: SkippedSliceKindSchema,
  reason: z.string(),
});

export const StudyDetailSchema = StudySummarySchema.extend({
  originPath: z.string().nullable(),
  images: z.array(ImageInfoSchema),
  /** The reader's own label and boxes. */
  label: LabelSchema,
  annotations: z.array(AnnotationSchema),
  /** The reference label and its boxes, apart from the reader's (blind reading). */
  reference: ReferenceLabelSchema.nullable().default(null),
  referenceAnnotations: z.array(AnnotationSchema).default([]),
  /** Results of the asked (or latest) run for this study's images; empty when none. */
  results: z.array(ResultSchema),
  /** The slices that run left out, each with its reason (no result for them). */
  skippedSlices: z.array(SkippedSliceSchema).default([]),
});

/** The course protocol's counts for one finding, or over all of them. */
export const DetectionCountsSchema = z.object({
  tp: z.number(),
  fp: z.number(),
  /** Number of findings (cases). */
  n: z.number(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
});

/** The lab's F1 for one finding: per-image F1 averaged over the images (boxes) of the finding. */
export const LabFindingF1Schema = z.object({
  /** Images (finding boxes) of this finding. */
  n: z.number(),
  tp: z.number(),
  fp: z.number(),
  /** Mean per-image F1 over the images of this finding. */
  f1: z.number(),
});

/** A confidence interval of one metric, in the metric's own units. */
export const MetricIntervalSchema = z.object({ low: z.number(), high: z.number() });

/**
 * The image verdict at the image operating point (score > threshold: pathological) against the
 * reference labels of the evaluated images: how often "Model says normal" is wrong.
 */
export const ImageVerdictSchema = z.object({
  threshold: z.number(),
  truePositives: z.number().int().nonnegative(),
  falseNegatives: z.number().int().nonnegative(),
  trueNegatives: z.number().int().nonnegative(),
  falsePositives: z.number().int().nonnegative(),
  /** Share of the pathological images called pathological (NaN without any). */
  sensitivity: z.number(),
  /** Share of the healthy images called normal (NaN without any). */
  specificity: z.number(),
});

/**
 * The metrics of one variant (guided, or the unguided ablation) on the evaluated split: what the
 * engine's evaluate returns, what an 'evaluate' job saves and what Evaluate shows. Fields marked
 * optional are absent in evaluations saved before they were measured.
 */
export const VariantMetricsSchema = z.object({
  settings: ReconstructionSettingsSchema,
  imageAuroc: z.number(),
  imageAuprc: z.number(),
  /** Over every pixel of the pathological images (ALGORITHM.md): the boxes' share is chance. */
  pixelAuprc: z.number(),
  bestDice: z.number(),
  /** The map value at which the best Dice is reached. */
  bestDiceThreshold: z.number(),
  /** Inside the brain only (healthy mask + boxes, or the brain mask): a harder chance level. */
  pixelAuprcBrain: z.number().optional(),
  bestDiceBrain: z.number().optional(),
  /** The pixel cut-off (map value) calibrated on healthy images outside the split. */
  threshold: z.number(),
  thresholdMethod: z.string(),
  /** The image operating point (image score) calibrated on the same healthy images. */
  imageScoreThreshold: z.number().optional(),
  imageScoreThresholdMethod: z.string().optional(),
  /** The course protocol: per-finding detection at the calibrated threshold. */
  courseF1: z.number(),
  courseTp: z.number(),
  courseFp: z.number(),
  perFinding: z.record(z.string(), DetectionCountsSchema),
  /** The lab's F1 (Bercea et al. 2025): per-image F1 averaged per finding, then over findings. */
  labF1: z.number().optional(),
  labPerFinding: z.record(z.string(), LabFindingF1Schema).optional(),
  /** What the map's values are: the lab's FP divides sums of them by max(box sum, 1). */
  mapUnits: z.string().optional(),
  roc: z.array(z.object({ fpr: z.number(), tpr: z.number() })),
  pr: z.array(z.object({ recall: z.number(), precision: z.number() })),
  secondsPerSlice: z.number(),
  /**
   * 95% intervals of the metrics named by the keys (imageAuroc, pixelAuprc, bestDice, labF1:
   * bootstrap over images; imageSensitivity, imageSpecificity: Wilson), where measured.
   */
  intervals: z.record(z.string(), MetricIntervalSchema).optional(),
  /** The image verdict at imageScoreThreshold on the evaluated images, where measured. */
  imageVerdict: ImageVerdictSchema.optional(),
});

/** One evaluation (an 'evaluate' job's report), named by the job that made it. */
export const EvaluationSchema = z.object({
  id: JobIdSchema,
  createdAt: z.string(),
  /** The manifest evaluated: the user's, or the one written from the library's labels. */
  manifestPath: z.string(),
  fromLibrary: z.boolean().default(false),
  split: z.string(),
  cases: z.number().int().nonnegative(),
  healthy: z.number().int().nonnegative(),
  pathological: z.number().int().nonnegative(),
  guided: VariantMetricsSchema,
  unguided: VariantMetricsSchema.nullable(),
  /** The classifier's AUROC at several timesteps t, when measured. */
  classifierAuroc: z.record(z.string(), z.number()).nullable(),
});

export const ModelInfoSchema = z.object({
  id: ModelIdSchema,
  name: z.string(),
  kind: z.string(),
  version: z.string(),
  checksum: z.string(),
  createdAt: z.string(),
  /** The manifest saved with the weights: architecture, preprocessing, training data. */
  manifest: z.record(z.string(), z.unknown()),
});

export const ProgressSchema = z.object({
  phase: z.string(),
  done: z.number().nonnegative(),
  total: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** Live figures of the latest step, e.g. { step, loss } while training (loss curves). */
  metrics: z.record(z.string(), z.number()).optional(),
});

/**
 * How far the reader agrees with the reference on the studies both labelled: the table of
 * verdicts (rows the reader's, columns the reference's), observed agreement and Cohen's kappa.
 */
export const ReaderAgreementSchema = z.object({
  categories: z.array(VerdictSchema),
  table: z.array(z.array(z.number().int().nonnegative())),
  pairs: z.number().int().nonnegative(),
  agreed: z.number().int().nonnegative(),
  observed: z.number().min(0).max(1).nullable(),
  expected: z.number().min(0).max(1).nullable(),
  kappa: z.number().min(-1).max(1).nullable(),
});
