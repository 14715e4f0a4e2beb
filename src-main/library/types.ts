import type { Pixels, ValueScale } from './pixels.ts';
import type { SkippedSlice, StudySummary as ContractStudySummary } from '../contract/index.ts';

export type Verdict = 'normal' | 'pathological' | 'uncertain';
export type ReviewStatus = 'not-reviewed' | 'in-progress' | 'done' | 'flagged';
export const verdicts: readonly Verdict[] = ['normal', 'pathological', 'uncertain'];
export const reviewStatuses: readonly ReviewStatus[] = [
  'not-reviewed',
  'in-progress',
  'done',
  'flagged',
];

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where a slice sits in its volume, kept so exports and overlays can be put back in place. */
export type Orientation = Record<string, unknown>;

export interface StudyFields {
  /** Stable identity of the study in its source (DICOM StudyInstanceUID, file path, ...). */
  uid: string;
  patientAlias?: string | null;
  studyDate?: string | null;
  modality?: string | null;
  source?: string | null;
  description?: string | null;
  split?: string | null;
  originPath?: string | null;
  /** What a DICOM source said of its study, kept for exports (never re-read from the file). */
  dicom?: StudyDicomIdentity | null;
}

/** A DICOM study's identity as its source header gave it at import. */
export interface StudyDicomIdentity {
  studyInstanceUid: string;
  /** Patient and General Study attributes: tag as 8 hex digits ("00100010") to value. */
  attributes: Record<string, string>;
}

/** The DICOM instance (and frame) an image was imported from. */
export interface ImageDicomSource {
  sopClassUid: string | null;
  sopInstanceUid: string | null;
  /** 1-based frame of a multi-frame source; null for a single-frame one. */
  frameNumber: number | null;
  frameOfReferenceUid: string | null;
}

export interface NewImage extends ValueScale {
  /** Hash of pixels already put into the library's image store. */
  hash: string;
  width: number;
  height: number;
  bitDepth: 8 | 16;
  originalPath: string;
  sliceIndex?: number;
  seriesUid?: string | null;
  seriesDescription?: string | null;
  pixelSpacing?: [number, number] | null;
  sliceThickness?: number | null;
  windowCenter?: number | null;
  windowWidth?: number | null;
  orientation?: Orientation | null;
  brainMaskHash?: string | null;
  healthyMaskHash?: string | null;
  /**
   * Reference boxes that came with the image; `maskHash`: the stored shape of the region within
   * its box (box.width x box.height, non-zero = finding), where the dataset drew one.
   */
  boxes?: { finding: string | null; box: Box; maskHash?: string | null }[];
  /** The DICOM instance it came from, for exports that reference it. */
  dicom?: ImageDicomSource | null;
  /** Position along the slice normal (mm), as the contract's ImageInfo says; null without geometry. */
  slicePositionMm?: number | null;
  sliceSpacingMm?: number | null;
}

export interface NewLabel {
  verdict?: Verdict | null;
  findings?: string[];
  difficulty?: number | null;
  comment?: string | null;
  status?: ReviewStatus;
}

/** Everything one study import writes, committed in one transaction. */
export interface NewStudy {
  study: StudyFields;
  images: NewImage[];
  label?: NewLabel;
  /** Who the label is from when it came with the data (e.g. "dataset:manifest.csv"). */
  labelAuthor?: string;
}

export interface Label {
  studyId: number;
  verdict: Verdict | null;
  findings: string[];
  difficulty: number | null;
  comment: string | null;
  status: ReviewStatus;
  author: string | null;
  updatedAt: string | null;
}

export interface StudySummary {
  id: number;
  uid: string;
  patientAlias: string | null;
  studyDate: string | null;
  modality: string | null;
  source: string | null;
  description: string | null;
  split: string | null;
  createdAt: string;
  imageCount: number;
  firstImageId: number | null;
  verdict: Verdict | null;
  status: ReviewStatus;
  findings: string[];
  /** Highest image score of the run asked for in the query, else null. */
  score: number | null;
  /**
   * Highest classifier p(pathological) over the study's images in that run; null without a run,
   * or when the run had no classifier.
   */
  classifierProbability: number | null;
  /** The reference label's verdict (a dataset's or another reader's), for blind comparison. */
  referenceVerdict: Verdict | null;
  /** Content hash of the first image, for thumbnails. */
  firstImageHash: string | null;
  /** The study's verdict in the run and its hottest slice, as the contract says. */
  aboveThreshold: ContractStudySummary['aboveThreshold'];
  imageScoreThreshold: ContractStudySummary['imageScoreThreshold'];
  hottestImageId: ContractStudySummary['hottestImageId'];
  hottestSliceIndex: ContractStudySummary['hottestSliceIndex'];
}

export interface ImageInfo extends ValueScale {
  id: number;
  studyId: number;
  seriesUid: string | null;
  seriesDescription: string | null;
  sliceIndex: number;
  width: number;
  height: number;
  bitDepth: 8 | 16;
  pixelSpacing: [number, number] | null;
  sliceThickness: number | null;
  windowCenter: number | null;
  windowWidth: number | null;
  orientation: Orientation | null;
  hash: string;
  originalPath: string;
  brainMaskHash: string | null;
  healthyMaskHash: string | null;
  /** The contract's ImageInfo: position along the slice normal and slice spacing (mm). */
  slicePositionMm: number | null;
  sliceSpacingMm: number | null;
}

export interface Annotation {
  id: number;
  imageId: number;
  finding: string | null;
  kind: 'box' | 'mask';
  box: Box | null;
  maskHash: string | null;
  author: string;
  createdAt: string;
  updatedAt: string;
}

/** A label the reader did not give: one that came with a dataset, or another reader's. */
export interface ReferenceLabel {
  studyId: number;
  /** "dataset:manifest.csv", or another reader's name. */
  source: string;
  verdict: Verdict | null;
  findings: string[];
  createdAt: string;
}

export interface StudyDetail extends StudySummary {
  originPath: string | null;
  images: ImageInfo[];
  /** The reader's own label. */
  label: Label;
  /** The reader's own boxes. */
  annotations: Annotation[];
  /** The reference label (the first by date when there are several), kept apart for blind reading. */
  reference: ReferenceLabel | null;
  /** Boxes that came with the reference. */
  referenceAnnotations: Annotation[];
  /** The slices the asked run left out, with why (empty without a run). */
  skippedSlices: SkippedSlice[];
}

export type StudySortKey =
  | 'created'
  | 'date'
  | 'patient'
  | 'source'
  | 'status'
  | 'verdict'
  | 'score'
  /** The run's classifier uncertainty: 'desc' lists |p - 0.5| ascending, studies without p last. */
  | 'uncertainty';

export interface StudyQuery {
  search?: string;
  /** A verdict, or 'unlabelled' for studies without one. */
  label?: Verdict | 'unlabelled';
  finding?: string;
  status?: ReviewStatus;
  split?: string;
  source?: string;
  scoreMin?: number;
  scoreMax?: number;
  /**
   * The run whose scores fill `score` and `classifierProbability`, and that scoreMin/scoreMax and
   * sort 'score' / 'uncertainty' refer to.
   */
  runId?: number;
  sort?: StudySortKey;
  order?: 'asc' | 'desc';
  offset: number;
  limit: number;
}

export interface StudyPage {
  total: number;
  studies: StudySummary[];
}

export type ImagePixels = Pixels & ValueScale;

export interface ModelInput {
  name: string;
  version: string;
  kind: string;
  checksum: string;
  manifest: Record<string, unknown>;
}

export interface Model extends ModelInput {
  id: number;
  createdAt: string;
}

/** Settings that change a result; stored with the run so every map can be reproduced. */
export interface RunSettings {
  imageSize?: number;
  /** L: how many DDIM steps the image is encoded before decoding. */
  noiseLevel?: number;
  /** k: the DDIM step stride. */
  stride?: number;
  /** s: the classifier gradient scale. */
  guidanceScale?: number;
  /**
   * The run's image operating point (image score) from its preset: results of the run are
   * called pathological where score > imageScoreThreshold. Absent in runs made before it.
   */
  imageScoreThreshold?: number | null;
  [setting: string]: unknown;
}

export type RunStatus = 'running' | 'done' | 'failed';

export interface Run {
  id: number;
  name: string | null;
  settings: RunSettings;
  modelIds: number[];
  status: RunStatus;
  error: string | null;
  timings: Record<string, number> | null;
  startedAt: string;
  finishedAt: string | null;
}

/** A float image (reconstruction or anomaly map) as the engine produces it. */
export interface FloatImage {
  width: number;
  height: number;
  values: Float32Array;
}

export interface QuantisationScale {
  min: number;
  max: number;
}

export interface NewResult {
  runId: number;
  imageId: number;
  reconstruction: FloatImage;
  /** The result's map at the image's size (the engine's slice map enlarged), stored quantised. */
  map: FloatImage;
  score: number;
  /** The run's pixel cut-off (map value) for binary maps and the overlay. */
  pixelThreshold?: number | null;
  /** The classifier's p(pathological | x_0, t = 0) for the image, when the run had one. */
  classifierProbability?: number | null;
  /** Frames of the denoising chain, in playing order, when the run keeps it. */
  chain?: { phase: ChainPhase; t: number; image: Pixels }[];
}

export type ChainPhase = 'noising' | 'denoising' | 'gradient';

/** One stored frame of a result's denoising chain (an 8-bit display image at the model's size). */
export interface ChainFrame {
  phase: ChainPhase;
  t: number;
  hash: string;
}

export interface Result {
  id: number;
  runId: number;
  imageId: number;
  studyId: number;
  reconstructionHash: string;
  reconstructionScale: QuantisationScale;
  mapHash: string;
  mapScale: QuantisationScale;
  score: number;
  /** The run's pixel cut-off (map value). */
  pixelThreshold: number | null;
  /** The run's image operating point (image score), from its settings; null when it had none. */
  imageScoreThreshold: number | null;
  /** @deprecated The same as pixelThreshold, kept until the renderer's overlay reads that name. */
  threshold: number | null;
  classifierProbability: number | null;
  /** The denoising chain, empty unless the run kept it. */
  chain: ChainFrame[];
  createdAt: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: number | null;
  before: unknown;
  after: unknown;
}

export interface AuditQuery {
  entity?: string;
  entityId?: number;
  offset?: number;
  limit?: number;
}
