import type { Migration } from './migration.ts';

/**
 * Whole studies as volumes (issue 21). Each slice's place in its volume is kept in millimetres,
 * read at import (DICOM: Image Position Patient projected on the slice normal; NIfTI: the
 * affine), with the distance to its neighbours; a run keeps the slices it did not map and why
 * (outside the models' mid-axial slab, blank), so a viewer can say so instead of showing a map;
 * a study's score of a run names the slice that gave it (the hottest slice).
 */
export const migration0007: Migration = {
  version: 7,
  name: 'volume-geometry',
  up(db) {
    db.exec(`
      -- Position along the slice normal (mm) and the series' slice spacing (mm); NULL where the
      -- source gave no geometry (a PNG, a DICOM without Image Position Patient).
      ALTER TABLE images ADD COLUMN slice_position_mm REAL;
      ALTER TABLE images ADD COLUMN slice_spacing_mm REAL;
      -- Slices a run left out, each with its reason; never a result, never a label.
      CREATE TABLE run_skipped_images (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        -- 'outside-domain' (not in the slab the models know) or 'blank' (nothing to normalise).
        kind TEXT NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (run_id, image_id)
      );
      -- The image whose score is the study's score (the highest), for "go to the hottest slice".
      ALTER TABLE run_study_scores ADD COLUMN hottest_image_id INTEGER
        REFERENCES images(id) ON DELETE SET NULL;
      UPDATE run_study_scores SET hottest_image_id = (
        SELECT r.image_id FROM results r JOIN images i ON i.id = r.image_id
        WHERE r.run_id = run_study_scores.run_id AND i.study_id = run_study_scores.study_id
        ORDER BY r.score DESC, i.slice_index, r.image_id LIMIT 1);
    `);
  },
};
