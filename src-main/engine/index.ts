/** The engine's public face for the layers above it (jobs, api, CLI): plain data in and out. */
export { initBackend, backendReport, type BackendReport } from './backend.ts';
export { limitThreads } from './threads.ts';
export {
  loadModels,
  disposeModels,
  reconstruct,
  settingsFor,
  startGuidance,
  type Guidance,
  type LoadedModels,
  type SliceResult,
} from './pipeline.ts';
export { pathologicalProbability } from './predictors.ts';
export {
  evaluate,
  type EvaluateOptions,
  type EvaluationReport,
  type MeasuredVariantMetrics,
} from './evaluate.ts';
export {
  trainDiffusion,
  trainClassifier,
  classifierSplit,
  type TrainCommonOptions,
} from './train/index.ts';
export { SYNTHETIC_KINDS, type SyntheticKind } from './train/syntheticAnomaly.ts';
export { calibratePreset, calibratedPreset, type PresetCalibration } from './calibratePreset.ts';
export { calibrateHealthyResidual } from './calibrateHealthyResidual.ts';
export {
  HEALTHY_RESIDUAL_FILE,
  writeHealthyResidual,
  type HealthyResidualFile,
} from './healthyResidualFile.ts';
export { ProgressTracker } from './progress.ts';
export {
  BlankSliceError,
  preprocessSlice,
  sliceToImage,
  type SliceTransform,
} from './anomaly/preprocess.ts';
export { readGrayscale, readDatasetManifest, type DatasetCase } from './train/dataset.ts';
export { presetSchema, type Preset } from './preset.ts';
export {
  calibrateImageScoreThreshold,
  calibrateOperatingPoints,
  imageOperatingPointFor,
  type OperatingPoints,
} from './operatingPoint.ts';
export type { ChainFrame } from './diffusion/reconstruct.ts';
export { DEFAULT_PATCH_SIZE } from './mapMethods.ts';
export * from './types.ts';
export {
  modelDomain,
  OUTSIDE_DOMAIN,
  type DomainVerdict,
  type VolumeSlice,
} from './volume/modelDomain.ts';
