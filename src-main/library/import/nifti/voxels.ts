import * as nifti from 'nifti-reader-js';
import { ImportError } from '../../../files/importError.ts';
import type { Pixels } from '../../pixels.ts';
import type { SliceAxes } from './orientation.ts';

interface VoxelType {
  bytes: number;
  integer: boolean;
  read(view: DataView, offset: number, littleEndian: boolean): number;
}

const voxelTypes: Record<number, VoxelType> = {
  2: { bytes: 1, integer: true, read: (v, o) => v.getUint8(o) },
  4: { bytes: 2, integer: true, read: (v, o, le) => v.getInt16(o, le) },
  8: { bytes: 4, integer: true, read: (v, o, le) => v.getInt32(o, le) },
  16: { bytes: 4, integer: false, read: (v, o, le) => v.getFloat32(o, le) },
  64: { bytes: 8, integer: false, read: (v, o, le) => v.getFloat64(o, le) },
  256: { bytes: 1, integer: true, read: (v, o) => v.getInt8(o) },
  512: { bytes: 2, integer: true, read: (v, o, le) => v.getUint16(o, le) },
  768: { bytes: 4, integer: true, read: (v, o, le) => v.getUint32(o, le) },
};

export interface Volume {
  shape: [number, number, number];
  /** Voxel i's value (a non-finite one reads as 0), read from the file's bytes: no copy. */
  value(i: number): number;
  count: number;
  integer: boolean;
  min: number;
  max: number;
}

/**
 * The first 3-D volume of the file, as numbers (before scl_slope/scl_inter), read in place from
 * the file's bytes: no float64 copy of the volume is made (it took 8 bytes a voxel).
 */
export function readVoxels(
  path: string,
  header: nifti.NIFTI1 | nifti.NIFTI2,
  data: Buffer,
  shape: [number, number, number],
): Volume {
  const type = voxelTypes[header.datatypeCode];
  if (!type) {
    throw new ImportError(
      path,
      `NIfTI data type ${header.getDatatypeCodeString(header.datatypeCode) || header.datatypeCode} is not supported (grayscale integer or float only)`,
    );
  }
  const count = shape[0] * shape[1] * shape[2];
  const offset = header.vox_offset;
  // In a single-file .nii the voxels follow the header: an offset inside it (negative, NaN,
  // or under the header's size) would read the header's own bytes as an image.
  const headerBytes = header instanceof nifti.NIFTI2 ? 540 : 348;
  if (!Number.isInteger(offset) || offset < headerBytes) {
    throw new ImportError(
      path,
      `bad NIfTI header: vox_offset ${offset} is not a whole number of bytes past the ${headerBytes}-byte header`,
    );
  }
  const needed = offset + count * type.bytes;
  if (data.length < needed) {
    throw new ImportError(
      path,
      `the NIfTI data is truncated: ${needed} bytes needed, ${data.length} present`,
    );
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const { littleEndian } = header;
  const value = (i: number) => {
    const read = type.read(view, offset + i * type.bytes, littleEndian);
    return Number.isFinite(read) ? read : 0;
  };
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = value(i);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { shape, value, count, integer: type.integer, min, max };
}

export interface StoredVolume {
  valueSlope: number;
  valueIntercept: number;
  slice(axes: SliceAxes, index: number): Pixels;
}

/**
 * Maps the volume onto 8/16-bit stored values with one scale for every slice, so slices stay
 * comparable. Integer data whose range fits 16 bits is kept exactly (shifted by its minimum);
 * float or wider data is quantised to 65,536 levels over the volume's range.
 */
export function storedScale(volume: Volume, header: nifti.NIFTI1 | nifti.NIFTI2): StoredVolume {
  const hasScale = Number.isFinite(header.scl_slope) && header.scl_slope !== 0;
  const sclSlope = hasScale ? header.scl_slope : 1;
  const sclInter = hasScale && Number.isFinite(header.scl_inter) ? header.scl_inter : 0;
  const { min, max } = volume.count ? volume : { min: 0, max: 0 };
  const range = max - min;
  const exact = volume.integer && range <= 65535;
  const eightBit = exact && min >= 0 && max <= 255;
  const shift = eightBit ? 0 : min;
  const step = exact ? 1 : range > 0 ? range / 65535 : 1;
  const bitDepth: 8 | 16 = eightBit ? 8 : 16;
  const [nx, ny] = volume.shape;
  const strides = [1, nx, nx * ny];
  return {
    valueSlope: step * sclSlope,
    valueIntercept: shift * sclSlope + sclInter,
    slice(axes, index) {
      const width = volume.shape[axes.columns];
      const height = volume.shape[axes.rows];
      const pixels =
        bitDepth === 8 ? new Uint8Array(width * height) : new Uint16Array(width * height);
      const base = index * strides[axes.slice];
      for (let row = 0; row < height; row++) {
        const voxelRow = axes.flipRows ? height - 1 - row : row;
        for (let column = 0; column < width; column++) {
          const voxelColumn = axes.flipColumns ? width - 1 - column : column;
          const value = volume.value(
            base + voxelRow * strides[axes.rows] + voxelColumn * strides[axes.columns],
          );
          pixels[row * width + column] = Math.round((value - shift) / step);
        }
      }
      return { width, height, bitDepth, pixels };
    },
  };
}
