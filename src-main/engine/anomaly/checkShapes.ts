/**
 * Shape checks shared by the anomaly functions: a wrong length is a programming or data error that
 * would otherwise produce silently wrong maps, so it is reported with the names of both arrays.
 */

export function checkSameLength(
  a: ArrayLike<number>,
  aName: string,
  b: ArrayLike<number>,
  bName: string,
): void {
  if (a.length !== b.length) {
    throw new RangeError(`${aName} has ${a.length} values but ${bName} has ${b.length}`);
  }
}

export function checkSquare(values: ArrayLike<number>, size: number, name: string): void {
  if (!Number.isInteger(size) || size <= 0) {
    throw new RangeError(`${name}: size must be a positive integer, got ${size}`);
  }
  if (values.length !== size * size) {
    throw new RangeError(
      `${name} has ${values.length} values, expected ${size * size} for ${size} x ${size}`,
    );
  }
}
