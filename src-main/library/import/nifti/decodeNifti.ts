import { basename } from 'node:path';
import { createHash } from 'node:crypto';
import * as nifti from 'nifti-reader-js';
import { ImportError } from '../../../files/importError.ts';
import { tooLarge } from '../../../files/limits.ts';
import { inflateNifti, niftiClaim, overBudget } from './inflateNifti.ts';
import { isNiftiHeader } from '../sniff.ts';
import type { DecodedFile, DecodedSlice } from '../decoded.ts';
import { readVoxels, storedScale } from './voxels.ts';
import { sliceAxes, type Plane, type SliceAxes } from './orientation.ts';

export interface NiftiOptions {
  /** Slicing plane; axial by default. */
  plane?: Plane;
  /** Which slices along the plane's axis: all (default), the middle one, or these indices. */
  slices?: 'all' | 'middle' | number[];
}

/** NIfTI-1/2 volumes (.nii, .nii.gz): slices along the chosen plane, orientation kept. */
export async function decodeNifti(
  path: string,
  bytes: Buffer,
  gzipped: boolean,
  options: NiftiOptions = {},
): Promise<DecodedFile> {
  // A plain .nii is checked against the decoding budget as a gzipped one is before inflating.
  const claim = gzipped ? null : niftiClaim(bytes);
  const refusal = claim && overBudget(claim);
  if (refusal) throw new ImportError(path, refusal);
  const data = gzipped ? await inflateNifti(path, bytes) : bytes;
  if (!isNiftiHeader(data)) {
    throw new ImportError(
      path,
      gzipped
        ? 'the gzip data is not a NIfTI volume'
        : 'not a NIfTI file (bad header size or magic)',
    );
  }
  // The header and its extensions only (they end where the voxels start), not a copy of them all.
  const voxOffset = niftiClaim(data)?.voxOffset ?? data.byteLength;
  const headerEnd = Math.min(data.byteLength, Math.max(540, Math.ceil(voxOffset)));
  const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + headerEnd) as ArrayBuffer;
  let header: nifti.NIFTI1 | nifti.NIFTI2;
  try {
    header = nifti.readHeader(buffer);
  } catch (error) {
    throw new ImportError(path, `bad NIfTI header: ${(error as Error).message}`);
  }
  const dims = header.dims;
  const rank = dims[0];
  if (!(rank >= 2 && rank <= 7) || [1, 2].some((axis) => !(dims[axis] >= 1))) {
    throw new ImportError(
      path,
      `bad NIfTI header: dimensions ${JSON.stringify(dims.slice(0, 4))} are not a volume`,
    );
  }
  const shape: [number, number, number] = [dims[1], dims[2], rank >= 3 ? Math.max(1, dims[3]) : 1];
  const bomb = tooLarge(shape[0], shape[1], shape[2]);
  if (bomb) throw new ImportError(path, bomb);
  if (tooLarge(shape[0], shape[2]) || tooLarge(shape[1], shape[2])) {
    throw new ImportError(path, tooLarge(shape[0], shape[2]) ?? tooLarge(shape[1], shape[2]) ?? '');
  }
  const volume = readVoxels(path, header, data, shape);
  const scale = storedScale(volume, header);
  let axes: SliceAxes;
  try {
    axes = sliceAxes(header, options.plane ?? 'axial');
  } catch (error) {
    throw new ImportError(path, (error as Error).message);
  }
  const depth = shape[axes.slice];
  const indices = chooseSlices(path, options.slices ?? 'all', depth);
  const slices: DecodedSlice[] = indices.map((index) => ({
    image: {
      ...scale.slice(axes, index),
      valueSlope: scale.valueSlope,
      valueIntercept: scale.valueIntercept,
    },
    // Numbered from inferior to superior (or the plane's own low end) whatever way the file runs.
    sliceIndex: axes.sliceAscending ? index : depth - 1 - index,
    slicePositionMm: Math.round(axes.positionMm(index) * 1e4) / 1e4,
    seriesUid: null,
    pixelSpacing: [header.pixDims[axes.columns + 1] || 1, header.pixDims[axes.rows + 1] || 1],
    sliceThickness: header.pixDims[axes.slice + 1] || null,
    orientation: {
      plane: axes.plane,
      sliceAxis: axes.slice,
      columnsAxis: axes.columns,
      rowsAxis: axes.rows,
      rowsFlipped: axes.flipRows,
      columnsFlipped: axes.flipColumns,
      affine: header.affine,
      qformCode: header.qform_code,
      sformCode: header.sform_code,
      firstVolumeOf: rank >= 4 ? dims[4] : 1,
    },
  }));
  const name = basename(path).replace(/\.nii(\.gz)?$/i, '');
  return {
    path,
    study: {
      uid: `nifti:${createHash('sha256').update(data).digest('hex')}`,
      patientAlias: name,
      source: 'nifti',
      description: header.description || null,
      modality: 'MR',
      originPath: path,
    },
    slices,
  };
}

function chooseSlices(path: string, choice: 'all' | 'middle' | number[], depth: number): number[] {
  if (choice === 'all') return Array.from({ length: depth }, (_, index) => index);
  if (choice === 'middle') return [Math.floor(depth / 2)];
  const outside = choice.filter((index) => !Number.isInteger(index) || index < 0 || index >= depth);
  if (outside.length > 0) {
    throw new ImportError(
      path,
      `slices ${outside.join(', ')} are outside the volume (0 to ${depth - 1})`,
    );
  }
  return choice;
}
