import type { Migration } from './migration.ts';

/**
 * The classifier's p(pathological | x_0, t = 0) beside each anomaly score, so a list can put
 * the cases the classifier is least sure of first (the "next case to label" order by
 * uncertainty). Per image in `results`; per study and run in `run_study_scores`, as the highest
 * probability over the study's images. Nullable: results saved before this version, and runs
 * made without a classifier, have none.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'classifier-probability',
  up(db) {
    db.exec(`
      ALTER TABLE results ADD COLUMN classifier_probability REAL
        CHECK (classifier_probability BETWEEN 0 AND 1);
      ALTER TABLE run_study_scores ADD COLUMN classifier_probability REAL
        CHECK (classifier_probability BETWEEN 0 AND 1);
      -- Most uncertain first reads a run's probabilities in index order.
      CREATE INDEX run_study_scores_uncertainty
        ON run_study_scores(run_id, abs(classifier_probability - 0.5), study_id)
        WHERE classifier_probability IS NOT NULL;
    `);
  },
};
