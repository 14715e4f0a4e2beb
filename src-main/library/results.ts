import type { LibraryContext } from './context.ts';
import type { SqliteDatabase } from './database.ts';
import { now } from './context.ts';
import { writeAudit } from './audit.ts';
import { readImage } from './images.ts';
import { readRun } from './runs.ts';
import { dequantise, quantiseFloatImage } from './quantise.ts';
import type { ChainFrame, FloatImage, NewResult, QuantisationScale, Result } from './types.ts';

interface ResultRow {
  id: number;
  run_id: number;
  image_id: number;
  study_id: number;
  reconstruction_hash: string;
  reconstruction_scale: string;
  map_hash: string;
  map_scale: string;
  score: number;
  /** The pixel cut-off (the column predates thresholds carrying their unit). */
  threshold: number | null;
  image_score_threshold: number | null;
  classifier_probability: number | null;
  created_at: string;
  /** JSON array of the chain's frames in order. */
  chain: string;
}

const selectResult = `SELECT r.*, i.study_id,
    (SELECT json_extract(settings, '$.imageScoreThreshold') FROM runs WHERE id = r.run_id)
      AS image_score_threshold,
    (SELECT json_group_array(json_object('phase', c.phase, 't', c.t, 'hash', c.hash))
     FROM (SELECT * FROM result_chain_frames WHERE result_id = r.id ORDER BY position) c) AS chain
  FROM results r JOIN images i ON i.id = r.image_id`;

function toResult(row: ResultRow): Result {
  return {
    id: row.id,
    runId: row.run_id,
    imageId: row.image_id,
    studyId: row.study_id,
    reconstructionHash: row.reconstruction_hash,
    reconstructionScale: JSON.parse(row.reconstruction_scale) as QuantisationScale,
    mapHash: row.map_hash,
    mapScale: JSON.parse(row.map_scale) as QuantisationScale,
    score: row.score,
    pixelThreshold: row.threshold,
    imageScoreThreshold: row.image_score_threshold,
    threshold: row.threshold,
    classifierProbability: row.classifier_probability,
    chain: JSON.parse(row.chain) as ChainFrame[],
    createdAt: row.created_at,
  };
}

export function readResult(db: SqliteDatabase, id: number): Result {
  const row = db.prepare(`${selectResult} WHERE r.id = ?`).get(id) as ResultRow | undefined;
  if (!row) throw new Error(`result ${id} does not exist`);
  return toResult(row);
}

/** The results of a run in saving order; of one study only when `studyId` is given. */
export function listResults(db: SqliteDatabase, runId: number, studyId?: number): Result[] {
  readRun(db, runId);
  const rows = (
    studyId === undefined
      ? db.prepare(`${selectResult} WHERE r.run_id = ? ORDER BY r.id`).all(runId)
      : // Through the study's images (index images_study), not a scan of the whole run.
        db
          .prepare(`${selectResult} WHERE r.run_id = ? AND i.study_id = ? ORDER BY r.id`)
          .all(runId, studyId)
  ) as ResultRow[];
  return rows.map(toResult);
}

/**
 * Saves a model's output for one image: reconstruction and anomaly map go to the image store as
 * 16-bit PNGs with their value scale; the score feeds the study's score for this run (the highest
 * over its images), and the classifier probability, when given, the study's probability for this
 * run (also the highest over its images: the study is as suspicious as its most suspicious
 * slice). Results live in their own table and never touch the human label.
 */
export async function saveResult(
  context: LibraryContext,
  input: NewResult,
  actor = context.actor,
): Promise<Result> {
  const { db, store } = context;
  const image = readImage(db, input.imageId);
  const run = readRun(db, input.runId);
  if (run.status !== 'running')
    throw new Error(`run ${run.id} has ended (${run.status}); results cannot be added`);
  if (!Number.isFinite(input.score))
    throw new Error(`score must be a finite number, got ${input.score}`);
  const probability = input.classifierProbability ?? null;
  if (probability !== null && !(probability >= 0 && probability <= 1))
    throw new Error(`classifierProbability must be from 0 to 1, got ${probability}`);
  for (const [what, float] of [
    ['reconstruction', input.reconstruction],
    ['map', input.map],
  ] as const) {
    if (float.width <= 0 || float.height <= 0) throw new Error(`${what} has no pixels`);
  }
  const reconstruction = quantiseFloatImage(input.reconstruction);
  const map = quantiseFloatImage(input.map);
  const reconstructionHash = await store.put(reconstruction.pixels);
  const mapHash = await store.put(map.pixels);
  const chain: ChainFrame[] = [];
  for (const frame of input.chain ?? [])
    chain.push({ phase: frame.phase, t: frame.t, hash: await store.put(frame.image) });
  return db
    .transaction(() => {
      const id = Number(
        db
          .prepare(
            `INSERT INTO results (run_id, image_id, reconstruction_hash, reconstruction_scale, map_hash,
               map_scale, score, threshold, classifier_probability, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (run_id, image_id) DO UPDATE SET
               reconstruction_hash = excluded.reconstruction_hash,
               reconstruction_scale = excluded.reconstruction_scale, map_hash = excluded.map_hash,
               map_scale = excluded.map_scale, score = excluded.score,
               threshold = excluded.threshold,
               classifier_probability = excluded.classifier_probability,
               created_at = excluded.created_at
             RETURNING id`,
          )
          .pluck()
          .get(
            input.runId,
            input.imageId,
            reconstructionHash,
            JSON.stringify(reconstruction.scale),
            mapHash,
            JSON.stringify(map.scale),
            input.score,
            input.pixelThreshold ?? null,
            probability,
            now(),
          ),
      );
      db.prepare(
        `INSERT INTO run_study_scores (run_id, study_id, score, classifier_probability,
           hottest_image_id)
         SELECT r.run_id, i.study_id, MAX(r.score), MAX(r.classifier_probability),
           (SELECT h.image_id FROM results h JOIN images hi ON hi.id = h.image_id
            WHERE h.run_id = @runId AND hi.study_id = @studyId
            ORDER BY h.score DESC, hi.slice_index, h.image_id LIMIT 1)
         FROM results r JOIN images i ON i.id = r.image_id
         WHERE r.run_id = @runId AND i.study_id = @studyId
         ON CONFLICT (run_id, study_id) DO UPDATE SET
           score = excluded.score, classifier_probability = excluded.classifier_probability,
           hottest_image_id = excluded.hottest_image_id`,
      ).run({ runId: input.runId, studyId: image.studyId });
      // A result saved again replaces its chain with the new one (or none).
      db.prepare(`DELETE FROM result_chain_frames WHERE result_id = ?`).run(id);
      const insertFrame = db.prepare(
        `INSERT INTO result_chain_frames (result_id, position, phase, t, hash) VALUES (?, ?, ?, ?, ?)`,
      );
      chain.forEach((frame, position) =>
        insertFrame.run(id, position, frame.phase, frame.t, frame.hash),
      );
      const result = readResult(db, id);
      writeAudit(db, {
        actor,
        action: 'save-result',
        entity: 'result',
        entityId: id,
        after: result,
      });
      return result;
    })
    .immediate();
}

export async function readResultImage(
  context: LibraryContext,
  resultId: number,
  which: 'reconstruction' | 'map',
): Promise<FloatImage> {
  const result = readResult(context.db, resultId);
  const hash = which === 'reconstruction' ? result.reconstructionHash : result.mapHash;
  const scale = which === 'reconstruction' ? result.reconstructionScale : result.mapScale;
  return dequantise(await context.store.get(hash), scale);
}
