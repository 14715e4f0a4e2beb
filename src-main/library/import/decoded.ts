import type { Pixels, ValueScale } from '../pixels.ts';
import type { Orientation, StudyFields } from '../types.ts';

/** One slice decoded from a file, before it is stored. */
export interface DecodedSlice {
  image: Pixels & ValueScale;
  sliceIndex: number;
  seriesUid?: string | null;
  seriesDescription?: string | null;
  pixelSpacing?: [number, number] | null;
  sliceThickness?: number | null;
  windowCenter?: number | null;
  windowWidth?: number | null;
  orientation?: Orientation | null;
}

/** What one file holds: the study it belongs to and its slices. */
export interface DecodedFile {
  path: string;
  study: StudyFields;
  slices: DecodedSlice[];
}

export const identityScale: ValueScale = { valueSlope: 1, valueIntercept: 0 };
