/** Evaluation metrics (ALGORITHM.md, "Evaluation on brain-mid"): pure functions on typed arrays. */
export { auroc, rocCurve, type RocPoint } from './roc.ts';
export { auprc, prCurve, type PrPoint } from './precisionRecall.ts';
export { countsByScore, scoreCutoffAt, type ScoreCounts } from './countsByScore.ts';
export { pixelScores } from './pixelScores.ts';
export { pixelAuprc } from './pixelAuprc.ts';
export { bestDice, type BestDice } from './bestDice.ts';
export {
  courseProtocol,
  type CaseDetection,
  type CourseProtocolResult,
  type DetectionCounts,
  type FindingCase,
} from './courseProtocol.ts';
export { labCaseF1, type LabCaseF1, type LabCaseInput } from './labCaseF1.ts';
export { labF1, type LabF1Result, type LabFindingF1 } from './labF1.ts';
