import type { Migration } from './migration.ts';

/**
 * Substring search over study names without scanning every row: an FTS5 trigram index of the
 * searchable study fields, kept in step with `studies` by triggers.
 */
export const migration0002: Migration = {
  version: 2,
  name: 'study-search',
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE studies_search USING fts5(
        uid, patient_alias, description, origin_path,
        content = 'studies', content_rowid = 'id', tokenize = 'trigram'
      );
      CREATE TRIGGER studies_search_insert AFTER INSERT ON studies BEGIN
        INSERT INTO studies_search (rowid, uid, patient_alias, description, origin_path)
        VALUES (new.id, new.uid, new.patient_alias, new.description, new.origin_path);
      END;
      CREATE TRIGGER studies_search_delete AFTER DELETE ON studies BEGIN
        INSERT INTO studies_search (studies_search, rowid, uid, patient_alias, description, origin_path)
        VALUES ('delete', old.id, old.uid, old.patient_alias, old.description, old.origin_path);
      END;
      CREATE TRIGGER studies_search_update AFTER UPDATE ON studies BEGIN
        INSERT INTO studies_search (studies_search, rowid, uid, patient_alias, description, origin_path)
        VALUES ('delete', old.id, old.uid, old.patient_alias, old.description, old.origin_path);
        INSERT INTO studies_search (rowid, uid, patient_alias, description, origin_path)
        VALUES (new.id, new.uid, new.patient_alias, new.description, new.origin_path);
      END;
      INSERT INTO studies_search (studies_search) VALUES ('rebuild');
      -- Scores are read in index order when a list is sorted by score.
      DROP INDEX run_study_scores_score;
      CREATE INDEX run_study_scores_score ON run_study_scores(run_id, score, study_id);
    `);
  },
};
