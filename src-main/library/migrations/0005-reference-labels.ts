import type { Migration } from './migration.ts';

/**
 * Reference labels kept apart from the reader's own (blind reading). A label that came with an
 * imported dataset, or another reader's, is a reference: it is compared with the reader's label
 * (agreement, Cohen's kappa) and used for training and evaluation where the reader has not
 * labelled, but it never counts as the reader's work. Until now imported labels were written
 * into `labels` as if the reader had given them; they move here, and those studies become
 * unlabelled for the reader. Boxes that came with a dataset are marked with their source.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'reference-labels',
  up(db) {
    db.exec(`
      CREATE TABLE reference_labels (
        study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
        -- Where the label comes from: "dataset:manifest.csv", or another reader's name.
        source TEXT NOT NULL,
        verdict TEXT CHECK (verdict IN ('normal', 'pathological', 'uncertain')),
        -- Finding names, as a JSON array.
        findings TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        PRIMARY KEY (study_id, source)
      );
      ALTER TABLE annotations ADD COLUMN reference_source TEXT;

      INSERT INTO reference_labels (study_id, source, verdict, findings, created_at)
        SELECT l.study_id, l.author, l.verdict,
               (SELECT json_group_array(f.name) FROM label_findings lf
                  JOIN findings f ON f.id = lf.finding_id WHERE lf.study_id = l.study_id),
               COALESCE(l.updated_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        FROM labels l WHERE l.author LIKE 'dataset:%';
      UPDATE annotations SET reference_source = author WHERE author LIKE 'dataset:%';
      DELETE FROM label_findings
        WHERE study_id IN (SELECT study_id FROM labels WHERE author LIKE 'dataset:%');
      UPDATE labels SET verdict = NULL, difficulty = NULL, comment = NULL,
                        status = 'not-reviewed', author = NULL, updated_at = NULL
        WHERE author LIKE 'dataset:%';
    `);
  },
};
