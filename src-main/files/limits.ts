/**
 * Guards against pixel bombs: headers that claim more pixels than any brain MRI slice or volume
 * has, so a hostile or broken file cannot make the import allocate gigabytes.
 */
export const importLimits = {
  /** Largest file read at all (1 GiB): a brain volume fits; a disk image named .nii does not. */
  maxFileBytes: 1024 * 1024 * 1024,
  /** Largest manifest CSV. */
  maxManifestBytes: 64 * 1024 * 1024,
  /**
   * The memory one file's data may take once decompressed or decoded (checked before it is):
   * a gzipped NIfTI's claimed voxels plus the 16-bit slices stored from them, a deflated
   * DICOM's data set. A 512 x 512 x 320 float64 volume fits; 512 x 512 x 1024 float64 does not.
   */
  maxDecodeBytes: 1024 * 1024 * 1024,
  /** A deflated DICOM data set may inflate at most this many times its deflated size. */
  maxInflateRatio: 64,
  /** Frames of one DICOM object: enhanced MR stacks run to a few thousand. */
  maxFrames: 16384,
  maxSide: 16384,
  maxSlicePixels: 8192 * 8192,
  maxVolumeVoxels: 512 * 512 * 1024,
};

/** Returns a reason when the size is over the limits, else null. */
export function tooLarge(width: number, height: number, depth = 1): string | null {
  if (width > importLimits.maxSide || height > importLimits.maxSide) {
    return `image is ${width} x ${height} pixels, over the limit of ${importLimits.maxSide} per side`;
  }
  if (width * height > importLimits.maxSlicePixels) {
    return `image is ${width} x ${height} pixels, over the limit of ${importLimits.maxSlicePixels} pixels per slice`;
  }
  if (width * height * depth > importLimits.maxVolumeVoxels) {
    return `volume is ${width} x ${height} x ${depth} voxels, over the limit of ${importLimits.maxVolumeVoxels}`;
  }
  return null;
}
