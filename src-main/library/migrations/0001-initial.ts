import type { Migration } from './migration.ts';
import { fastMriPlusFindings } from '../vocabulary.ts';

export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE studies (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        patient_alias TEXT,
        study_date TEXT,
        modality TEXT,
        source TEXT,
        description TEXT,
        split TEXT,
        origin_path TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX studies_date ON studies(study_date);
      CREATE INDEX studies_patient ON studies(patient_alias);
      CREATE INDEX studies_created ON studies(created_at);

      CREATE TABLE images (
        id INTEGER PRIMARY KEY,
        study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
        series_uid TEXT,
        series_description TEXT,
        slice_index INTEGER NOT NULL DEFAULT 0,
        width INTEGER NOT NULL CHECK (width > 0),
        height INTEGER NOT NULL CHECK (height > 0),
        bit_depth INTEGER NOT NULL CHECK (bit_depth IN (8, 16)),
        value_slope REAL NOT NULL DEFAULT 1,
        value_intercept REAL NOT NULL DEFAULT 0,
        pixel_spacing_x REAL,
        pixel_spacing_y REAL,
        slice_thickness REAL,
        window_center REAL,
        window_width REAL,
        orientation TEXT,
        hash TEXT NOT NULL,
        original_path TEXT NOT NULL,
        brain_mask_hash TEXT,
        healthy_mask_hash TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX images_study ON images(study_id, series_uid, slice_index);
      CREATE INDEX images_hash ON images(hash);

      CREATE TABLE findings (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL CHECK (source IN ('fastMRI+', 'imported', 'user'))
      );

      -- The human verdict on a study. One row per study, created with the study.
      CREATE TABLE labels (
        study_id INTEGER PRIMARY KEY REFERENCES studies(id) ON DELETE CASCADE,
        verdict TEXT CHECK (verdict IN ('normal', 'pathological', 'uncertain')),
        difficulty INTEGER CHECK (difficulty BETWEEN 1 AND 5),
        comment TEXT,
        status TEXT NOT NULL DEFAULT 'not-reviewed'
          CHECK (status IN ('not-reviewed', 'in-progress', 'done', 'flagged')),
        author TEXT,
        updated_at TEXT
      );
      CREATE INDEX labels_verdict ON labels(verdict);
      CREATE INDEX labels_status ON labels(status);

      CREATE TABLE label_findings (
        study_id INTEGER NOT NULL REFERENCES labels(study_id) ON DELETE CASCADE,
        finding_id INTEGER NOT NULL REFERENCES findings(id),
        PRIMARY KEY (study_id, finding_id)
      );
      CREATE INDEX label_findings_finding ON label_findings(finding_id, study_id);

      CREATE TABLE annotations (
        id INTEGER PRIMARY KEY,
        image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        finding_id INTEGER REFERENCES findings(id),
        kind TEXT NOT NULL CHECK (kind IN ('box', 'mask')),
        x INTEGER, y INTEGER, width INTEGER, height INTEGER,
        mask_hash TEXT,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK ((kind = 'box' AND width > 0 AND height > 0) OR (kind = 'mask' AND mask_hash IS NOT NULL))
      );
      CREATE INDEX annotations_image ON annotations(image_id);

      CREATE TABLE models (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        kind TEXT NOT NULL,
        checksum TEXT NOT NULL,
        manifest TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (name, version)
      );

      CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        name TEXT,
        settings TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
        error TEXT,
        timings TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT
      );

      CREATE TABLE run_models (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        model_id INTEGER NOT NULL REFERENCES models(id),
        PRIMARY KEY (run_id, model_id)
      );

      -- Machine output. Kept apart from labels so an AI result is never read as a human label.
      CREATE TABLE results (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        reconstruction_hash TEXT NOT NULL,
        reconstruction_scale TEXT NOT NULL,
        map_hash TEXT NOT NULL,
        map_scale TEXT NOT NULL,
        score REAL NOT NULL,
        threshold REAL,
        created_at TEXT NOT NULL,
        UNIQUE (run_id, image_id)
      );

      -- Highest image score per study and run, kept so lists can filter and sort by score.
      CREATE TABLE run_study_scores (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
        score REAL NOT NULL,
        PRIMARY KEY (run_id, study_id)
      );
      CREATE INDEX run_study_scores_score ON run_study_scores(run_id, score);

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id INTEGER,
        before TEXT,
        after TEXT
      );
      CREATE INDEX audit_entity ON audit_log(entity, entity_id);
    `);
    const insert = db.prepare(`INSERT INTO findings (name, source) VALUES (?, 'fastMRI+')`);
    for (const name of fastMriPlusFindings) insert.run(name);
  },
};
