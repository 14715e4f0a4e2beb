import type { NewImage } from '../types.ts';

/** A DICOM slice's distance (mm) along its plane's normal, or null when the file gives none. */
function positionAlongNormal(image: NewImage): number | null {
  const orientation = image.orientation?.imageOrientationPatient;
  const position = image.orientation?.imagePositionPatient;
  if (!Array.isArray(orientation) || orientation.length !== 6) return null;
  if (!Array.isArray(position) || position.length !== 3) return null;
  const [rx, ry, rz, cx, cy, cz] = orientation as number[];
  // The normal is row x column (PS3.3 C.7.6.2.1.1); a slice's place is its position on it.
  const normal = [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx];
  return normal[0] * position[0] + normal[1] * position[1] + normal[2] * position[2];
}

/**
 * The distance (mm) between neighbouring slices: the median gap of the sorted positions, so a
 * missing slice does not change it; null for fewer than two slices or slices at one place.
 */
export function sliceSpacingMm(sortedPositions: readonly number[]): number | null {
  const gaps = sortedPositions.slice(1).map((position, i) => position - sortedPositions[i]);
  const sorted = gaps.filter((gap) => gap > 1e-6).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return Math.round(median * 1e4) / 1e4;
}

/**
 * The images of one study with each series in spatial order: sorted by Image Position Patient
 * projected on the slice normal, and numbered 0, 1, 2... in that order, whatever the files
 * were called or their Instance Numbers said; each keeps its position (mm) and the series'
 * spacing. A NIfTI volume comes with its positions and numbers from its affine (decodeNifti),
 * which stay. A series missing geometry on any slice keeps the order its files gave (Instance
 * Number, or frame number), without positions.
 */
export function inSliceOrder(images: readonly NewImage[]): NewImage[] {
  const series = new Map<string, NewImage[]>();
  for (const image of images) {
    const key = image.seriesUid ?? '';
    const members = series.get(key) ?? [];
    members.push(image);
    series.set(key, members);
  }
  const ordered: NewImage[] = [];
  for (const members of series.values()) {
    const given = members.map((image) => image.slicePositionMm ?? null);
    const fromAffine = given.every((position) => position !== null);
    const positions = fromAffine ? given : members.map(positionAlongNormal);
    if (positions.some((position) => position === null)) {
      ordered.push(...members);
      continue;
    }
    const ranked = members
      .map((image, i) => ({ image, position: positions[i]!, given: image.sliceIndex ?? i }))
      .sort((a, b) => a.position - b.position || a.given - b.given);
    const spacing = sliceSpacingMm(ranked.map(({ position }) => position));
    ranked.forEach(({ image, position }, rank) =>
      ordered.push({
        ...image,
        sliceIndex: fromAffine ? image.sliceIndex : rank,
        slicePositionMm: Math.round(position * 1e4) / 1e4,
        sliceSpacingMm: spacing,
      }),
    );
  }
  return ordered;
}
