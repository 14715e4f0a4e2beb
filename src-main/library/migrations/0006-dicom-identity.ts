import type { Migration } from './migration.ts';

/**
 * What a DICOM export needs of its source, kept at import. The exporter used to re-read the
 * source file's header at export time: a file replaced after import (a re-sent series, a reused
 * path) put the new file's patient into the old study, and a FIFO at that path blocked the
 * process. Identity (patient, study, frame of reference) and the source instances a
 * Segmentation or Parametric Map references are now written with the study and read from here.
 * Geometry (spacing, orientation, position) was already stored with each image.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'dicom-identity',
  up(db) {
    db.exec(`
      -- One row per study imported from DICOM, from the first file that created the study.
      CREATE TABLE study_dicom (
        study_id INTEGER PRIMARY KEY REFERENCES studies(id) ON DELETE CASCADE,
        study_instance_uid TEXT NOT NULL,
        -- Patient and General Study attributes as the source header had them, as a JSON
        -- object of tag ("00100010") to value, bytes kept as latin1 code points.
        attributes TEXT NOT NULL
      );
      -- The source instance of each image imported from DICOM.
      CREATE TABLE image_dicom (
        image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
        sop_class_uid TEXT,
        sop_instance_uid TEXT,
        -- 1-based frame of a multi-frame source; NULL for a single-frame one.
        frame_number INTEGER,
        frame_of_reference_uid TEXT
      );
      -- A pull from a PACS skips the instances the library holds already.
      CREATE INDEX image_dicom_instance ON image_dicom(sop_instance_uid);
    `);
  },
};
