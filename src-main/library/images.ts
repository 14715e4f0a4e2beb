import type { SqliteDatabase } from './database.ts';
import type { ImageInfo, Orientation } from './types.ts';

export interface ImageRow {
  id: number;
  study_id: number;
  series_uid: string | null;
  series_description: string | null;
  slice_index: number;
  width: number;
  height: number;
  bit_depth: 8 | 16;
  value_slope: number;
  value_intercept: number;
  pixel_spacing_x: number | null;
  pixel_spacing_y: number | null;
  slice_thickness: number | null;
  window_center: number | null;
  window_width: number | null;
  orientation: string | null;
  hash: string;
  original_path: string;
  brain_mask_hash: string | null;
  healthy_mask_hash: string | null;
  slice_position_mm: number | null;
  slice_spacing_mm: number | null;
}

export function toImageInfo(row: ImageRow): ImageInfo {
  const spacing: [number, number] | null =
    row.pixel_spacing_x === null || row.pixel_spacing_y === null
      ? null
      : [row.pixel_spacing_x, row.pixel_spacing_y];
  return {
    id: row.id,
    studyId: row.study_id,
    seriesUid: row.series_uid,
    seriesDescription: row.series_description,
    sliceIndex: row.slice_index,
    width: row.width,
    height: row.height,
    bitDepth: row.bit_depth,
    valueSlope: row.value_slope,
    valueIntercept: row.value_intercept,
    pixelSpacing: spacing,
    sliceThickness: row.slice_thickness,
    windowCenter: row.window_center,
    windowWidth: row.window_width,
    orientation: row.orientation === null ? null : (JSON.parse(row.orientation) as Orientation),
    hash: row.hash,
    originalPath: row.original_path,
    brainMaskHash: row.brain_mask_hash,
    healthyMaskHash: row.healthy_mask_hash,
    slicePositionMm: row.slice_position_mm ?? null,
    sliceSpacingMm: row.slice_spacing_mm ?? null,
  };
}

export function readImage(db: SqliteDatabase, imageId: number): ImageInfo {
  const row = db.prepare('SELECT * FROM images WHERE id = ?').get(imageId) as ImageRow | undefined;
  if (!row) throw new Error(`image ${imageId} does not exist`);
  return toImageInfo(row);
}

export function readStudyImages(db: SqliteDatabase, studyId: number): ImageInfo[] {
  const rows = db
    .prepare('SELECT * FROM images WHERE study_id = ? ORDER BY series_uid, slice_index, id')
    .all(studyId) as ImageRow[];
  return rows.map(toImageInfo);
}

export function hasImageHash(db: SqliteDatabase, hash: string): boolean {
  return db.prepare('SELECT 1 FROM images WHERE hash = ? LIMIT 1').get(hash) !== undefined;
}

/** The ids of the images holding exactly these pixels (the same slice imported more than once). */
export function imageIdsByHash(db: SqliteDatabase, hash: string): number[] {
  return db
    .prepare('SELECT id FROM images WHERE hash = ? ORDER BY id')
    .pluck()
    .all(hash) as number[];
}
