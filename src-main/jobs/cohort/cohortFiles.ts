/**
 * The files of a cohort reconstruction under its output folder OUT, shared by every shard task
 * (a cluster's shared file system) and read by `anomap import-results`:
 *
 *   OUT/run.json                      what the run is: source, settings, models, every item's key;
 *                                     written once by whichever task comes first, checked by the rest
 *   OUT/results/ab/STEM.json          one slice's result (score, probability, the maps' scales);
 *   OUT/results/ab/STEM.map.png       written last, after its two maps, so its presence means the
 *   OUT/results/ab/STEM.reconstruction.png   result is complete
 *   OUT/shards/I-of-N.json            one task's progress and pace (for reports and the README)
 *
 * Every file is written to a temporary name and renamed: a task killed at any moment leaves no
 * half-written result, and a resumed task skips exactly the results that are complete.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ModelInput, QuantisationScale, RunSettings } from '../../library/index.ts';

export const RUN_FORMAT = 'anomap-cohort-run/1';
export const RESULT_FORMAT = 'anomap-cohort-result/1';

export type CohortSource =
  | { kind: 'manifest'; manifest: string; manifestSha256: string; split: string | null }
  | { kind: 'library'; library: string; studyIds: number[] | null; split: string | null };

export interface CohortRun {
  format: typeof RUN_FORMAT;
  /** Derived from everything below but paths: equal runs get equal ids on every node. */
  id: string;
  source: CohortSource;
  settings: RunSettings;
  pixelThreshold: number | null;
  models: ModelInput[];
  /** Every item's key, sorted: what a complete run holds. */
  items: string[];
}

export interface CohortResult {
  format: typeof RESULT_FORMAT;
  run: string;
  key: string;
  /** sha256 of the decoded pixels, as the library names images. */
  imageHash: string;
  /** The library's image id when the run's source is a library. */
  imageId: number | null;
  width: number;
  height: number;
  score: number;
  classifierProbability: number | null;
  reconstruction: { file: string; scale: QuantisationScale };
  /** The result's map at the image's size (the library's result map). */
  map: { file: string; scale: QuantisationScale };
}

/** A result file as written before the map was named `map` (its key was `anomalyMap`). */
type StoredCohortResult = Omit<CohortResult, 'map'> &
  ({ map: CohortResult['map'] } | { anomalyMap: CohortResult['map'] });

/** Reads both spellings of the map's key, so results written by an older version still count. */
function withMapKey(stored: StoredCohortResult): CohortResult {
  if ('map' in stored) return stored;
  const { anomalyMap, ...rest } = stored;
  return { ...rest, map: anomalyMap };
}

export interface ShardStatus {
  shard: string;
  index: number;
  count: number;
  status: 'running' | 'complete' | 'failed' | 'cancelled';
  items: number;
  /** Complete before this task started (a resumed task skips them). */
  skipped: number;
  /** Computed by this task so far. */
  computed: number;
  /** Wall-clock seconds of the batches this task computed. */
  computeSeconds: number;
  /** CPU seconds (user + system, this process) of the same: a pace that other load does not skew. */
  cpuSeconds: number;
  secondsPerSlice: number | null;
  threads: number | null;
  backend: string;
  host: string;
  startedAt: string;
  finishedAt: string | null;
  error?: string;
}

/** A stable run id: the sha256 of what decides the results, without paths. */
export function runIdOf(run: Omit<CohortRun, 'id' | 'format'>): string {
  const source =
    run.source.kind === 'manifest'
      ? { kind: 'manifest', sha256: run.source.manifestSha256, split: run.source.split }
      : { kind: 'library', studyIds: run.source.studyIds, split: run.source.split };
  const what = {
    source,
    settings: run.settings,
    pixelThreshold: run.pixelThreshold,
    models: run.models.map((m) => m.checksum),
    items: run.items,
  };
  return createHash('sha256').update(canonicalJson(what)).digest('hex').slice(0, 24);
}

/** JSON with sorted keys, so that equal objects give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Where an item's result files live: a readable stem, a hash against collisions, 256 folders. */
export function resultStem(key: string): { folder: string; stem: string } {
  const hash = createHash('sha256').update(key).digest('hex');
  const readable = key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(-80);
  return { folder: hash.slice(0, 2), stem: `${readable}-${hash.slice(0, 10)}` };
}

export function resultPaths(out: string, key: string) {
  const { folder, stem } = resultStem(key);
  const dir = join(out, 'results', folder);
  return {
    dir,
    json: join(dir, `${stem}.json`),
    reconstruction: `${stem}.reconstruction.png`,
    map: `${stem}.map.png`,
  };
}

/** Writes a file whole or not at all (temporary name, then rename). */
export async function writeAtomic(path: string, data: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

/**
 * Writes OUT/run.json unless it is there, atomically even against other tasks doing the same at
 * the same moment (link fails on an existing name); a run.json of another run is refused, so two
 * different runs never mix their results in one folder.
 */
export async function claimRunFile(out: string, run: CohortRun): Promise<void> {
  const path = join(out, 'run.json');
  await mkdir(out, { recursive: true });
  if (!existsSync(path)) {
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temporary, JSON.stringify(run) + '\n');
    try {
      await link(temporary, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await rm(temporary, { force: true });
    }
  }
  const existing = await readRunFile(out);
  if (existing.id !== run.id)
    throw new Error(
      `${out} holds the results of another run (${existing.id}: ${describeSource(existing.source)}); ` +
        `this one (${run.id}) differs in its data, settings or models: use another --out`,
    );
}

export async function readRunFile(out: string): Promise<CohortRun> {
  const path = join(out, 'run.json');
  let run: CohortRun;
  try {
    run = JSON.parse(await readFile(path, 'utf8')) as CohortRun;
  } catch (error) {
    throw new Error(`${path}: not a cohort run (${(error as Error).message})`, { cause: error });
  }
  if (run.format !== RUN_FORMAT) throw new Error(`${path}: not a cohort run (${RUN_FORMAT})`);
  return run;
}

export function describeSource(source: CohortSource): string {
  const split = source.split ? `, split ${source.split}` : '';
  return source.kind === 'manifest'
    ? `manifest ${source.manifest}${split}`
    : `library ${source.library}${source.studyIds ? `, ${source.studyIds.length} studies` : ''}${split}`;
}

/** The item's result when it is complete (its JSON and both maps are there), else null. */
export async function readResult(
  out: string,
  runId: string,
  key: string,
): Promise<CohortResult | null> {
  const paths = resultPaths(out, key);
  let result: CohortResult;
  try {
    result = withMapKey(JSON.parse(await readFile(paths.json, 'utf8')) as StoredCohortResult);
  } catch {
    return null;
  }
  if (result.format !== RESULT_FORMAT || result.run !== runId || result.key !== key) return null;
  if (
    !result.reconstruction ||
    !result.map ||
    !existsSync(join(paths.dir, result.reconstruction.file)) ||
    !existsSync(join(paths.dir, result.map.file))
  )
    return null;
  return result;
}

export async function writeShardStatus(out: string, status: ShardStatus): Promise<void> {
  await writeAtomic(join(out, 'shards', `${status.shard}.json`), JSON.stringify(status, null, 2));
}

export async function readShardStatuses(out: string): Promise<ShardStatus[]> {
  const dir = join(out, 'shards');
  if (!existsSync(dir)) return [];
  const statuses: ShardStatus[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (!/^\d+-of-\d+\.json$/.test(name)) continue;
    try {
      statuses.push(JSON.parse(await readFile(join(dir, name), 'utf8')) as ShardStatus);
    } catch {
      // A status is only a report; a damaged one does not stop a merge.
    }
  }
  return statuses;
}
