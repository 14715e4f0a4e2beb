/**
 * The one comparison with a calibrated threshold, used by the engine, the CLI, the exports and
 * the renderer alike: a value is above a threshold when it is strictly greater. Calibration
 * (engine/operatingPoint.ts) picks the threshold as the largest value that healthy calibration
 * images may reach without being marked, so `>` is what makes its false-positive rate hold.
 * Null when no threshold was calibrated.
 */
export function aboveThreshold(value: number, threshold: number | null): boolean | null {
  return threshold === null ? null : value > threshold;
}
