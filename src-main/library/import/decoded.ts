import type { Pixels, ValueScale } from '../pixels.ts';
import type { NewImage, StudyFields } from '../types.ts';

/** One slice decoded from a file, before it is stored: the pixels and what the file says of them. */
export type DecodedSlice = { image: Pixels & ValueScale; sliceIndex: number } & Pick<
  NewImage,
  | 'seriesUid'
  | 'seriesDescription'
  | 'pixelSpacing'
  | 'sliceThickness'
  | 'windowCenter'
  | 'windowWidth'
  | 'orientation'
  | 'dicom'
  | 'slicePositionMm'
>;

/** What one file holds: the study it belongs to and its slices. */
export interface DecodedFile {
  path: string;
  study: StudyFields;
  slices: DecodedSlice[];
}

export const identityScale: ValueScale = { valueSlope: 1, valueIntercept: 0 };
