/** The engine's public face for the layers above it (jobs, api, CLI): plain data in and out. */
export { initBackend, backendReport, type BackendReport } from './backend.ts';
export {
  loadModels,
  disposeModels,
  reconstruct,
  settingsFor,
  startGuidance,
  type Guidance,
  pathologicalProbability,
  type LoadedModels,
  type SliceResult,
} from './pipeline.ts';
export {
  evaluate,
  type EvaluateOptions,
  type EvaluationReport,
  type VariantMetrics,
} from './evaluate.ts';
export { trainDiffusion, trainClassifier, type TrainCommonOptions } from './train/index.ts';
export {
  BlankSliceError,
  preprocessSlice,
  sliceToImage,
  type SliceTransform,
} from './anomaly/preprocess.ts';
export { readGrayscale, readDatasetManifest } from './train/dataset.ts';
export { presetSchema, type Preset } from './preset.ts';
export {
  calibrateImageScoreThreshold,
  calibrateOperatingPoints,
  type OperatingPoints,
} from './operatingPoint.ts';
export type { ChainFrame } from './diffusion/reconstruct.ts';
export { DEFAULT_PATCH_SIZE } from './mapMethods.ts';
export * from './types.ts';
