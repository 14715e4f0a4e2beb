import type { LibraryContext } from './context.ts';
import type { SqliteDatabase } from './database.ts';
import { now } from './context.ts';
import { writeAudit } from './audit.ts';
import { findingId } from './findings.ts';
import { readLabel, readReferenceLabel, writeReferenceLabel } from './labels.ts';
import { readStudyImages } from './images.ts';
import { readAnnotationsOfStudy } from './annotations.ts';
import { writeImageDicom, writeStudyDicom } from './dicomIdentity.ts';
import { readStudySummaries } from './studyList.ts';
import { readSkippedSlices } from './skippedSlices.ts';
import type { NewImage, NewStudy, StudyDetail } from './types.ts';

export interface AddedStudy {
  studyId: number;
  imageIds: number[];
  /** False when the images joined a study already in the library (same uid). */
  created: boolean;
}

/**
 * Writes one imported study (its images, the label that came with it, its boxes and the audit
 * entry) in a single transaction: a cancelled or killed import never leaves half a study.
 * The pixels must already be in the image store.
 */
export function addStudy(
  context: LibraryContext,
  input: NewStudy,
  actor = context.actor,
): AddedStudy {
  const { db } = context;
  if (input.images.length === 0) throw new Error(`study ${input.study.uid} has no images`);
  return db
    .transaction((): AddedStudy => {
      const existing = db
        .prepare('SELECT id FROM studies WHERE uid = ?')
        .pluck()
        .get(input.study.uid) as number | undefined;
      const studyId = existing ?? insertStudy(db, input);
      if (existing === undefined) {
        db.prepare('INSERT INTO labels (study_id) VALUES (?)').run(studyId);
      }
      if (input.study.dicom) writeStudyDicom(db, studyId, input.study.dicom);
      // What came with the data is a reference, never the reader's own label (blind reading).
      const source = input.labelAuthor ?? `import:${actor}`;
      const imageIds = input.images.map((image) => insertImage(db, studyId, image, source));
      if (input.label) writeReferenceLabel(db, studyId, source, input.label);
      writeAudit(db, {
        actor,
        action: 'import',
        entity: 'study',
        entityId: studyId,
        after: {
          uid: input.study.uid,
          images: input.images.map((image) => image.originalPath),
          label: input.label ?? null,
        },
      });
      return { studyId, imageIds, created: existing === undefined };
    })
    .immediate();
}

function insertStudy(db: SqliteDatabase, input: NewStudy): number {
  const study = input.study;
  return Number(
    db
      .prepare(
        `INSERT INTO studies (uid, patient_alias, study_date, modality, source, description, split,
                              origin_path, created_at)
         VALUES (@uid, @patientAlias, @studyDate, @modality, @source, @description, @split,
                 @originPath, @createdAt)`,
      )
      .run({
        uid: study.uid,
        patientAlias: study.patientAlias ?? null,
        studyDate: study.studyDate ?? null,
        modality: study.modality ?? null,
        source: study.source ?? null,
        description: study.description ?? null,
        split: study.split ?? null,
        originPath: study.originPath ?? null,
        createdAt: now(),
      }).lastInsertRowid,
  );
}

/** Inserts one image with the boxes that came with it, kept as the reference's (`source`). */
function insertImage(db: SqliteDatabase, studyId: number, image: NewImage, source: string): number {
  const createdAt = now();
  const imageId = Number(
    db
      .prepare(
        `INSERT INTO images (study_id, series_uid, series_description, slice_index, width, height,
           bit_depth, value_slope, value_intercept, pixel_spacing_x, pixel_spacing_y,
           slice_thickness, window_center, window_width, orientation, hash, original_path,
           brain_mask_hash, healthy_mask_hash, slice_position_mm, slice_spacing_mm, created_at)
         VALUES (@studyId, @seriesUid, @seriesDescription, @sliceIndex, @width, @height,
           @bitDepth, @valueSlope, @valueIntercept, @spacingX, @spacingY,
           @sliceThickness, @windowCenter, @windowWidth, @orientation, @hash, @originalPath,
           @brainMaskHash, @healthyMaskHash, @slicePositionMm, @sliceSpacingMm, @createdAt)`,
      )
      .run({
        studyId,
        seriesUid: image.seriesUid ?? null,
        seriesDescription: image.seriesDescription ?? null,
        sliceIndex: image.sliceIndex ?? 0,
        width: image.width,
        height: image.height,
        bitDepth: image.bitDepth,
        valueSlope: image.valueSlope,
        valueIntercept: image.valueIntercept,
        spacingX: image.pixelSpacing?.[0] ?? null,
        spacingY: image.pixelSpacing?.[1] ?? null,
        sliceThickness: image.sliceThickness ?? null,
        windowCenter: image.windowCenter ?? null,
        windowWidth: image.windowWidth ?? null,
        orientation: image.orientation ? JSON.stringify(image.orientation) : null,
        hash: image.hash,
        originalPath: image.originalPath,
        brainMaskHash: image.brainMaskHash ?? null,
        healthyMaskHash: image.healthyMaskHash ?? null,
        slicePositionMm: image.slicePositionMm ?? null,
        sliceSpacingMm: image.sliceSpacingMm ?? null,
        createdAt,
      }).lastInsertRowid,
  );
  if (image.dicom) writeImageDicom(db, imageId, image.dicom);
  const insertBox = db.prepare(
    `INSERT INTO annotations (image_id, finding_id, kind, x, y, width, height, mask_hash, author,
                              reference_source, created_at, updated_at)
     VALUES (?, ?, 'box', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const { finding, box, maskHash } of image.boxes ?? []) {
    const finding_ = finding === null ? null : findingId(db, finding, 'imported');
    insertBox.run(
      imageId,
      finding_,
      box.x,
      box.y,
      box.width,
      box.height,
      maskHash ?? null,
      source,
      source,
      createdAt,
      createdAt,
    );
  }
  return imageId;
}

export function getStudy(context: LibraryContext, studyId: number, runId?: number): StudyDetail {
  const { db } = context;
  const [summary] = readStudySummaries(db, [studyId], runId);
  if (!summary) throw new Error(`study ${studyId} does not exist`);
  const originPath = db
    .prepare('SELECT origin_path FROM studies WHERE id = ?')
    .pluck()
    .get(studyId) as string | null;
  return {
    ...summary,
    originPath,
    images: readStudyImages(db, studyId),
    label: readLabel(db, studyId),
    annotations: readAnnotationsOfStudy(db, studyId, 'reader'),
    reference: readReferenceLabel(db, studyId),
    referenceAnnotations: readAnnotationsOfStudy(db, studyId, 'reference'),
    skippedSlices: runId === undefined ? [] : readSkippedSlices(db, runId, studyId),
  };
}
