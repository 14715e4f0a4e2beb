/**
 * The course protocol (ALGORITHM.md), one finding box per case, on the map marked where
 * `value > mapCutoff` (map units):
 * - detected (TP) when more than 10% of the box's pixels are marked;
 * - FP = floor(marked pixels in the healthy mask / max(marked pixels in the box, 1));
 * - precision = TP / max(TP + FP, 1), recall = TP / number of findings, F1 from both.
 */

export interface FindingCase {
  findingName: string;
  map: Float32Array;
  boxMask: Uint8Array;
  healthyMask: Uint8Array;
}

/** Counts, precision, recall and F1: a contract shape, as evaluations report it. */
export type { DetectionCounts } from '../../contract/index.ts';
import type { DetectionCounts } from '../../contract/index.ts';

export interface CaseDetection {
  findingName: string;
  detected: boolean;
  fp: number;
  /** Fraction of the box's pixels above the cut-off. */
  boxFractionMarked: number;
}

export interface CourseProtocolResult {
  /** The map cut-off the cases were marked with (value > mapCutoff). */
  mapCutoff: number;
  cases: CaseDetection[];
  perFinding: Record<string, DetectionCounts>;
  /** Totals over all findings (counts summed, then precision, recall and F1). */
  overall: DetectionCounts;
}

/** The fraction of the box above the cut-off that makes a finding detected. */
const DETECTED_BOX_FRACTION = 0.1;

function detectCase(item: FindingCase, index: number, mapCutoff: number): CaseDetection {
  const { map, boxMask, healthyMask, findingName } = item;
  if (boxMask.length !== map.length || healthyMask.length !== map.length) {
    throw new RangeError(
      `case ${index} (${findingName}): map has ${map.length} pixels, box mask ${boxMask.length}, healthy mask ${healthyMask.length}`,
    );
  }
  let boxPixels = 0;
  let markedInBox = 0;
  let markedInHealthy = 0;
  for (let i = 0; i < map.length; i++) {
    const marked = map[i] > mapCutoff;
    if (boxMask[i]) {
      boxPixels++;
      if (marked) markedInBox++;
    }
    if (healthyMask[i] && marked) markedInHealthy++;
  }
  if (boxPixels === 0) {
    throw new RangeError(`case ${index} (${findingName}): the finding box is empty`);
  }
  return {
    findingName,
    detected: markedInBox > DETECTED_BOX_FRACTION * boxPixels,
    fp: Math.floor(markedInHealthy / Math.max(markedInBox, 1)),
    boxFractionMarked: markedInBox / boxPixels,
  };
}

function summarise(tp: number, fp: number, n: number): DetectionCounts {
  const precision = tp / Math.max(tp + fp, 1);
  const recall = n > 0 ? tp / n : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { tp, fp, n, precision, recall, f1 };
}

export function courseProtocol(cases: FindingCase[], mapCutoff: number): CourseProtocolResult {
  if (Number.isNaN(mapCutoff)) throw new RangeError('courseProtocol: mapCutoff is NaN');
  const detections = cases.map((item, index) => detectCase(item, index, mapCutoff));
  const tallies = new Map<string, { tp: number; fp: number; n: number }>();
  for (const { findingName, detected, fp } of detections) {
    const tally = tallies.get(findingName) ?? { tp: 0, fp: 0, n: 0 };
    tally.tp += detected ? 1 : 0;
    tally.fp += fp;
    tally.n += 1;
    tallies.set(findingName, tally);
  }
  const perFinding: Record<string, DetectionCounts> = {};
  let [tp, fp, n] = [0, 0, 0];
  for (const [name, tally] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) {
    perFinding[name] = summarise(tally.tp, tally.fp, tally.n);
    [tp, fp, n] = [tp + tally.tp, fp + tally.fp, n + tally.n];
  }
  return { mapCutoff, cases: detections, perFinding, overall: summarise(tp, fp, n) };
}
