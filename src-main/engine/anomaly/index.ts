/** Anomaly maps, brain masks, scores and thresholds (ALGORITHM.md, "Anomaly map and scores"). */
export { absoluteResidual } from './absoluteResidual.ts';
export { maskMap, valuesInMask, binarize } from './maskMap.ts';
export { gaussianSmooth } from './gaussianSmooth.ts';
export { estimateBrainMask, type BrainMaskOptions } from './brainMask.ts';
export { largestComponent, fillHoles, erode } from './morphology.ts';
export { imageScore } from './imageScore.ts';
export { otsuThreshold } from './otsuThreshold.ts';
export { calibrateThreshold } from './calibrateThreshold.ts';
export {
  preprocessSlice,
  resampleMaskToSlice,
  sliceToImage,
  type PreprocessOptions,
  type PreprocessedSlice,
  type SliceTransform,
} from './preprocess.ts';
export { localSsim } from './localSsim.ts';
export { residualMap } from './residualMap.ts';
export { coarseMask } from './coarseMask.ts';
export { dilate } from './morphology.ts';
