import type { Migration } from './migration.ts';

/**
 * The denoising chain of a result, for the chain player: a few frames of the noising (encoding)
 * and of the guided denoising, and the classifier's guidance gradient at the denoising frames.
 * Each frame is an 8-bit display image in the store, at the model's size; kept only when a run
 * asks for it.
 */
export const migration0004: Migration = {
  version: 4,
  name: 'result-chains',
  up(db) {
    db.exec(`
      CREATE TABLE result_chain_frames (
        result_id INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
        position INTEGER NOT NULL CHECK (position >= 0),
        phase TEXT NOT NULL CHECK (phase IN ('noising', 'denoising', 'gradient')),
        t INTEGER NOT NULL CHECK (t >= 0),
        hash TEXT NOT NULL,
        PRIMARY KEY (result_id, position)
      ) WITHOUT ROWID;
    `);
  },
};
