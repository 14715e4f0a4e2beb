import type * as nifti from 'nifti-reader-js';

export type Plane = 'axial' | 'coronal' | 'sagittal';

/** World (RAS) axis normal to each plane. */
const planeNormal: Record<Plane, number> = { sagittal: 0, coronal: 1, axial: 2 };

/**
 * The most a voxel axis may lie off its nearest world axis (degrees) for the volume to be sliced
 * without resampling: a scanner's usual few degrees of obliquity pass, a volume acquired at 45
 * degrees does not (its "axial" slices would cut across the head).
 */
export const MAX_OBLIQUITY_DEGREES = 25;

export interface SliceAxes {
  plane: Plane;
  /** Voxel axis the plane cuts across. */
  slice: number;
  /** Voxel axes shown as image columns (x) and rows (y). */
  columns: number;
  rows: number;
  /** Rows are stored top-down with anterior/superior up, so the first voxel row comes last. */
  flipRows: boolean;
  /**
   * Columns run against their world axis in the file (an LAS volume, say): read backwards, so
   * every volume shows as a RAS one does, whatever permutation or flip of axes it was stored in.
   */
  flipColumns: boolean;
  /** The slice axis runs from inferior to superior (posterior to anterior, left to right). */
  sliceAscending: boolean;
  /** World coordinate (mm) along the plane's normal of the centre of slice `index`. */
  positionMm(index: number): number;
}

/**
 * Finds which voxel axis runs along the plane's normal from the affine (sform, else qform): any
 * permutation or flip of the axes is read as it is meant (the stack runs from inferior to
 * superior, rows and columns as in a RAS volume); an affine whose axes lie more than
 * MAX_OBLIQUITY_DEGREES off the world axes, or two voxel axes on one world axis, is refused
 * (thrown as a RangeError whose message says why). Without orientation codes, voxel axes are
 * taken as (x, y, z) = (sagittal, coronal, axial) with the pixel dimensions as spacing.
 */
export function sliceAxes(header: nifti.NIFTI1 | nifti.NIFTI2, plane: Plane): SliceAxes {
  const hasAffine =
    (header.sform_code > 0 || header.qform_code > 0) && Array.isArray(header.affine);
  const shape = [header.dims[1], header.dims[2], Math.max(1, header.dims[3] || 1)];
  if (!hasAffine) {
    const slice = planeNormal[plane];
    const [columns, rows] = [0, 1, 2].filter((axis) => axis !== slice);
    const step = header.pixDims[slice + 1] || 1;
    return {
      plane,
      slice,
      columns,
      rows,
      flipRows: true,
      flipColumns: false,
      sliceAscending: true,
      positionMm: (index) => index * step,
    };
  }
  const affine = header.affine;
  const worldOf = [0, 1, 2].map((voxel) => nearestWorldAxis(affine, voxel));
  const oblique = worldOf.find(({ degrees }) => degrees > MAX_OBLIQUITY_DEGREES);
  if (oblique) {
    throw new RangeError(
      `the volume is oblique: a voxel axis lies ${oblique.degrees.toFixed(0)} degrees off the nearest patient axis (at most ${MAX_OBLIQUITY_DEGREES} can be sliced without resampling); reslice it to axial first (e.g. fslreorient2std, or flirt -applyxfm to a standard space)`,
    );
  }
  if (new Set(worldOf.map(({ world }) => world)).size < 3) {
    throw new RangeError(
      'the affine puts two voxel axes along one patient axis; it is not a volume Anomap can slice',
    );
  }
  const slice = worldOf.findIndex(({ world }) => world === planeNormal[plane]);
  const [columns, rows] = [0, 1, 2].filter((axis) => axis !== slice);
  const runsForward = (voxel: number) => affine[worldOf[voxel].world][voxel] > 0;
  const normal = planeNormal[plane];
  const centre = shape.map((n) => (n - 1) / 2);
  return {
    plane,
    slice,
    columns,
    rows,
    flipRows: runsForward(rows),
    flipColumns: !runsForward(columns),
    sliceAscending: runsForward(slice),
    positionMm(index) {
      const voxel = centre.map((c, axis) => (axis === slice ? index : c));
      return voxel.reduce((sum, v, axis) => sum + affine[normal][axis] * v, affine[normal][3]);
    },
  };
}

/** The world axis a voxel axis runs nearest to, and its angle to it (degrees). */
function nearestWorldAxis(affine: number[][], voxel: number): { world: number; degrees: number } {
  const column = [0, 1, 2].map((world) => affine[world][voxel]);
  const length = Math.hypot(...column);
  let world = 0;
  for (let w = 1; w < 3; w++) if (Math.abs(column[w]) > Math.abs(column[world])) world = w;
  const cosine = length > 0 ? Math.abs(column[world]) / length : 0;
  return { world, degrees: (Math.acos(Math.min(1, cosine)) * 180) / Math.PI };
}
