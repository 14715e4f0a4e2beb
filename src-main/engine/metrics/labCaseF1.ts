/**
 * The lab's per-image F1 (the evaluator of Bercea et al., Nature Communications 2025; ALGORITHM.md,
 * "course F1, lab"), for one finding box of one pathological image:
 * - the map is zeroed at and below `mapCutoff` (the lab's units, see LAB_MAP_SCALE); the values
 *   above it are kept as they are, not set to 1. The lab's code zeroes `value < threshold` and
 *   keeps a value equal to it; here that value is zeroed, so the one rule `value > cut-off` marks
 *   the same pixels in the metrics, the overlay and the exports (they differ only at exact ties);
 * - TP = 1 when the non-zero pixels of that map inside the box are more than 10% of the box;
 * - FP = floor(sum of map values in the healthy mask / max(sum of map values in the box, 1));
 * - precision = TP / max(TP + FP, 1); F1 = 2 precision TP / (precision + TP), 0 when both are 0.
 * The max(..., 1) on a sum of map values makes FP depend on the map's scale: a map of small values
 * (whose box sum stays below 1) is charged its whole healthy sum. The caller states the scale.
 */

export interface LabCaseInput {
  findingName: string;
  map: Float32Array;
  boxMask: Uint8Array;
  healthyMask: Uint8Array;
}

export interface LabCaseF1 {
  findingName: string;
  tp: 0 | 1;
  fp: number;
  precision: number;
  f1: number;
  /** Non-zero pixels of the cut map in the box over the box's pixels. */
  boxFractionNonZero: number;
  /** Sums of the cut map in the box and in the healthy mask (map units). */
  boxSum: number;
  healthySum: number;
}

/** The fraction of the box that must be non-zero (strictly more) for a true positive. */
const DETECTED_BOX_FRACTION = 0.1;

export function labCaseF1(item: LabCaseInput, mapCutoff: number, label = 'case'): LabCaseF1 {
  const { map, boxMask, healthyMask, findingName } = item;
  if (Number.isNaN(mapCutoff)) throw new RangeError(`${label} (${findingName}): mapCutoff is NaN`);
  if (boxMask.length !== map.length || healthyMask.length !== map.length)
    throw new RangeError(
      `${label} (${findingName}): map has ${map.length} pixels, box mask ${boxMask.length}, healthy mask ${healthyMask.length}`,
    );
  let [boxPixels, nonZeroInBox, boxSum, healthySum] = [0, 0, 0, 0];
  for (let i = 0; i < map.length; i++) {
    const value = map[i] > mapCutoff ? map[i] : 0;
    if (Number.isNaN(value))
      throw new RangeError(`${label} (${findingName}): map value ${i} is NaN`);
    if (boxMask[i]) {
      boxPixels++;
      boxSum += value;
      if (value !== 0) nonZeroInBox++;
    }
    if (healthyMask[i]) healthySum += value;
  }
  if (boxPixels === 0) throw new RangeError(`${label} (${findingName}): the finding box is empty`);
  const tp = nonZeroInBox > DETECTED_BOX_FRACTION * boxPixels ? 1 : 0;
  const fp = Math.floor(healthySum / Math.max(boxSum, 1));
  const precision = tp / Math.max(tp + fp, 1);
  const f1 = precision + tp > 0 ? (2 * precision * tp) / (precision + tp) : 0;
  return {
    findingName,
    tp,
    fp,
    precision,
    f1,
    boxFractionNonZero: nonZeroInBox / boxPixels,
    boxSum,
    healthySum,
  };
}
