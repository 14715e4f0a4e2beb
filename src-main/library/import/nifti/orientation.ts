import type * as nifti from 'nifti-reader-js';

export type Plane = 'axial' | 'coronal' | 'sagittal';

/** World (RAS) axis normal to each plane. */
const planeNormal: Record<Plane, number> = { sagittal: 0, coronal: 1, axial: 2 };

export interface SliceAxes {
  plane: Plane;
  /** Voxel axis the plane cuts across. */
  slice: number;
  /** Voxel axes shown as image columns (x) and rows (y). */
  columns: number;
  rows: number;
  /** Rows are stored top-down with anterior/superior up, so the first voxel row comes last. */
  flipRows: boolean;
}

/**
 * Finds which voxel axis runs along the plane's normal from the affine (sform, else qform).
 * Without orientation codes, voxel axes are taken as (x, y, z) = (sagittal, coronal, axial).
 */
export function sliceAxes(header: nifti.NIFTI1 | nifti.NIFTI2, plane: Plane): SliceAxes {
  const hasAffine =
    (header.sform_code > 0 || header.qform_code > 0) && Array.isArray(header.affine);
  const worldOf = [0, 1, 2];
  if (hasAffine) {
    for (let voxel = 0; voxel < 3; voxel++) {
      let best = 0;
      for (let world = 1; world < 3; world++) {
        if (Math.abs(header.affine[world][voxel]) > Math.abs(header.affine[best][voxel]))
          best = world;
      }
      worldOf[voxel] = best;
    }
  }
  let slice = worldOf.indexOf(planeNormal[plane]);
  if (slice < 0 || new Set(worldOf).size < 3) slice = planeNormal[plane];
  const [columns, rows] = [0, 1, 2].filter((axis) => axis !== slice);
  const flipRows = hasAffine ? header.affine[worldOf[rows]][rows] > 0 : true;
  return { plane, slice, columns, rows, flipRows };
}
