import type { SqliteDatabase } from './database.ts';
import type { ImageDicomSource, StudyDicomIdentity } from './types.ts';

/** What the library kept at import of a DICOM study: its identity and each image's source. */
export interface StoredDicomIdentity {
  /** Null for a study not imported from DICOM, or imported before identities were kept. */
  study: StudyDicomIdentity | null;
  /** Image id to the instance it came from (only images imported from DICOM). */
  images: Map<number, ImageDicomSource>;
}

/** Keeps a study's identity the first time it is written; later files join it unchanged. */
export function writeStudyDicom(
  db: SqliteDatabase,
  studyId: number,
  identity: StudyDicomIdentity,
): void {
  db.prepare(
    `INSERT OR IGNORE INTO study_dicom (study_id, study_instance_uid, attributes)
     VALUES (?, ?, ?)`,
  ).run(studyId, identity.studyInstanceUid, JSON.stringify(identity.attributes));
}

export function writeImageDicom(
  db: SqliteDatabase,
  imageId: number,
  source: ImageDicomSource,
): void {
  db.prepare(
    `INSERT INTO image_dicom (image_id, sop_class_uid, sop_instance_uid, frame_number,
                              frame_of_reference_uid)
     VALUES (?, ?, ?, ?, ?)`,
  ).run(
    imageId,
    source.sopClassUid,
    source.sopInstanceUid,
    source.frameNumber,
    source.frameOfReferenceUid,
  );
}

interface StudyRow {
  study_instance_uid: string;
  attributes: string;
}

interface ImageRow {
  image_id: number;
  sop_class_uid: string | null;
  sop_instance_uid: string | null;
  frame_number: number | null;
  frame_of_reference_uid: string | null;
}

function attributesOf(text: string): Record<string, string> {
  const parsed: unknown = JSON.parse(text);
  const attributes: Record<string, string> = {};
  if (parsed && typeof parsed === 'object')
    for (const [tag, value] of Object.entries(parsed))
      if (/^[0-9a-f]{8}$/.test(tag) && typeof value === 'string') attributes[tag] = value;
  return attributes;
}

export function readDicomIdentity(db: SqliteDatabase, studyId: number): StoredDicomIdentity {
  const row = db
    .prepare('SELECT study_instance_uid, attributes FROM study_dicom WHERE study_id = ?')
    .get(studyId) as StudyRow | undefined;
  const rows = db
    .prepare(
      `SELECT d.* FROM image_dicom d JOIN images i ON i.id = d.image_id WHERE i.study_id = ?`,
    )
    .all(studyId) as ImageRow[];
  return {
    study: row
      ? { studyInstanceUid: row.study_instance_uid, attributes: attributesOf(row.attributes) }
      : null,
    images: new Map(
      rows.map((image) => [
        image.image_id,
        {
          sopClassUid: image.sop_class_uid,
          sopInstanceUid: image.sop_instance_uid,
          frameNumber: image.frame_number,
          frameOfReferenceUid: image.frame_of_reference_uid,
        },
      ]),
    ),
  };
}

/** Which of these SOP Instance UIDs the library holds an image of. */
export function knownSopInstances(db: SqliteDatabase, uids: readonly string[]): Set<string> {
  const known = new Set<string>();
  const query = db.prepare('SELECT 1 FROM image_dicom WHERE sop_instance_uid = ? LIMIT 1');
  for (const uid of uids) if (query.get(uid) !== undefined) known.add(uid);
  return known;
}
