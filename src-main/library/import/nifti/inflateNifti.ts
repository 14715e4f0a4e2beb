import { createGunzip } from 'node:zlib';
import { ImportError } from '../../../files/importError.ts';
import { importLimits } from '../../../files/limits.ts';

const NIFTI1_BYTES = 348;
const NIFTI2_BYTES = 540;

/** What a NIfTI header says its first volume takes: where the voxels start, how many, how big. */
export interface NiftiClaim {
  voxOffset: number;
  voxels: number;
  bytesPerVoxel: number;
}

/** The claim of a NIfTI-1 or -2 header at the start of `head`, or null when it is not one. */
export function niftiClaim(head: Buffer): NiftiClaim | null {
  if (head.length < NIFTI1_BYTES) return null;
  for (const littleEndian of [true, false]) {
    const int32 = littleEndian ? head.readInt32LE(0) : head.readInt32BE(0);
    const int16 = (at: number) => (littleEndian ? head.readInt16LE(at) : head.readInt16BE(at));
    if (int32 === NIFTI1_BYTES) {
      const offset = littleEndian ? head.readFloatLE(108) : head.readFloatBE(108);
      return claimOf(offset, [int16(42), int16(44), int16(46)], int16(72), int16(40));
    }
    if (int32 === NIFTI2_BYTES && head.length >= NIFTI2_BYTES) {
      const int64 = (at: number) =>
        Number(littleEndian ? head.readBigInt64LE(at) : head.readBigInt64BE(at));
      return claimOf(int64(168), [int64(24), int64(32), int64(40)], int16(14), int64(16));
    }
  }
  return null;
}

function claimOf(offset: number, dims: number[], bitsPerVoxel: number, rank: number): NiftiClaim {
  const used = dims.slice(0, Math.max(2, Math.min(3, rank))).map((dim) => Math.max(1, dim));
  return {
    voxOffset: Number.isFinite(offset) && offset > 0 ? offset : NIFTI2_BYTES,
    voxels: used.reduce((product, dim) => product * dim, 1),
    bytesPerVoxel: Math.max(1, bitsPerVoxel / 8),
  };
}

/** The bytes the first volume ends at: what a gzipped file needs to inflate to. */
export function claimedBytes(claim: NiftiClaim): number {
  return Math.ceil(claim.voxOffset + claim.voxels * claim.bytesPerVoxel);
}

/**
 * Why decoding this volume would take more memory than the import's budget, or null: its
 * bytes plus the 16-bit slices stored from it. Checked on the header, before anything is
 * inflated or decoded, so a small file that claims a huge volume costs nothing.
 */
export function overBudget(claim: NiftiClaim): string | null {
  const bytes = claimedBytes(claim) + claim.voxels * 2;
  if (bytes <= importLimits.maxDecodeBytes) return null;
  const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
  return `the header claims ${claim.voxels} voxels of ${claim.bytesPerVoxel} bytes, ${mib(bytes)} to decode, over the limit of ${mib(importLimits.maxDecodeBytes)} one file may take`;
}

/**
 * Inflates a .nii.gz only as far as its first volume, streamed into one buffer: the header is
 * read as soon as it is out and its claim checked against the budget before anything more is
 * inflated; then the volume is inflated into a buffer of the claimed size, and inflating stops
 * at its end. A gzip bomb costs at most what its header claims within the budget, with one copy.
 */
export function inflateNifti(path: string, gzipped: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip();
    const head: Buffer[] = [];
    let headBytes = 0;
    let out: Buffer | null = null;
    let written = 0;
    const stop = (result: Buffer | ImportError) => {
      gunzip.removeAllListeners('data');
      gunzip.destroy();
      if (result instanceof ImportError) reject(result);
      else resolve(result);
    };
    gunzip.on('data', (chunk: Buffer) => {
      if (out === null) {
        head.push(chunk);
        headBytes += chunk.length;
        if (headBytes < NIFTI2_BYTES) return;
        const first = Buffer.concat(head);
        const claim = niftiClaim(first);
        // Not a NIfTI header: keep what is out, and let the decoder say what it is not.
        if (claim === null) return stop(first.subarray(0, NIFTI2_BYTES));
        const refusal = overBudget(claim);
        if (refusal) return stop(new ImportError(path, refusal));
        out = Buffer.allocUnsafe(claimedBytes(claim));
        chunk = first;
      }
      written += chunk.copy(out, written);
      if (written >= out.length) stop(out);
    });
    gunzip.on('end', () =>
      resolve(out ? out.subarray(0, written) : Buffer.concat(head, headBytes)),
    );
    gunzip.on('error', (error) =>
      reject(new ImportError(path, `the gzip data is corrupt or truncated: ${error.message}`)),
    );
    gunzip.end(gzipped);
  });
}
