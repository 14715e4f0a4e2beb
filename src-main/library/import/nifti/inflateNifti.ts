import { createGunzip } from 'node:zlib';
import { ImportError } from '../importError.ts';
import { importLimits } from '../limits.ts';

const NIFTI1_BYTES = 348;
const NIFTI2_BYTES = 540;

/**
 * The bytes a NIfTI header says its first volume ends at (vox_offset + voxels x bytes), or the
 * header's own size when the header is not one: what a gzipped file may inflate to.
 */
export function niftiBytesNeeded(head: Buffer): number {
  if (head.length < NIFTI1_BYTES) return head.length;
  for (const littleEndian of [true, false]) {
    const int32 = littleEndian ? head.readInt32LE(0) : head.readInt32BE(0);
    const int16 = (at: number) => (littleEndian ? head.readInt16LE(at) : head.readInt16BE(at));
    if (int32 === NIFTI1_BYTES) {
      const offset = littleEndian ? head.readFloatLE(108) : head.readFloatBE(108);
      return firstVolumeEnd(offset, [int16(42), int16(44), int16(46)], int16(72), int16(40));
    }
    if (int32 === NIFTI2_BYTES && head.length >= NIFTI2_BYTES) {
      const int64 = (at: number) =>
        Number(littleEndian ? head.readBigInt64LE(at) : head.readBigInt64BE(at));
      const offset = int64(168);
      return firstVolumeEnd(offset, [int64(24), int64(32), int64(40)], int16(14), int64(16));
    }
  }
  return NIFTI1_BYTES;
}

function firstVolumeEnd(
  offset: number,
  dims: number[],
  bitsPerVoxel: number,
  rank: number,
): number {
  const used = dims.slice(0, Math.max(2, Math.min(3, rank))).map((dim) => Math.max(1, dim));
  const bytes = offset + used.reduce((product, dim) => product * dim, 1) * (bitsPerVoxel / 8);
  return Number.isFinite(bytes) && bytes > 0 ? Math.ceil(bytes) : NIFTI2_BYTES;
}

/**
 * Inflates a .nii.gz only as far as its first volume: the header is read as soon as it is out,
 * and inflating stops at the end of the volume it describes (or the import's inflate limit).
 * A gzip bomb costs at most what its header honestly claims, never what it expands to.
 */
export function inflateNifti(path: string, gzipped: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip();
    const chunks: Buffer[] = [];
    let size = 0;
    let limit: number | null = null;
    const finish = () => {
      gunzip.destroy();
      resolve(Buffer.concat(chunks, Math.min(size, limit ?? size)));
    };
    gunzip.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (limit === null && size >= NIFTI2_BYTES)
        limit = Math.min(niftiBytesNeeded(Buffer.concat(chunks)), importLimits.maxInflatedBytes);
      if (limit !== null && size >= limit) finish();
    });
    gunzip.on('end', () => resolve(Buffer.concat(chunks)));
    gunzip.on('error', (error) =>
      reject(new ImportError(path, `the gzip data is corrupt or truncated: ${error.message}`)),
    );
    gunzip.end(gzipped);
  });
}
