/**
 * The merge of a cohort's shard outputs into a library (`anomap import-results`): every result
 * of one cohort run becomes a result of ONE library run, with the run's settings and models, as
 * if the app had reconstructed the cohort itself. Idempotent: the library run is found again by
 * the cohort run's id, and results it holds are not stored twice. All or nothing per run: while
 * any slice of it has no complete result (a shard still running, failed or killed) the run is
 * reported, shard by shard, and nothing of it is imported. A cancelled merge leaves no run; a
 * merge killed outright leaves a run marked running that the next merge completes.
 */
import { join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { ProgressTracker } from '../../engine/index.ts';
import { CancelledError, type JobControl } from '../../engine/types.ts';
import { decodeGrayPng, dequantise, type Library, type Run } from '../../library/index.ts';
import {
  describeSource,
  readResult,
  readRunFile,
  readShardStatuses,
  resultPaths,
  type CohortResult,
  type CohortRun,
  type ShardStatus,
} from './cohortFiles.ts';
import { shardItems, shardName } from './shards.ts';

export interface MissingShard {
  shard: string;
  missing: number;
  of: number;
  /** What the shard's task last reported: running, failed (with why), cancelled; or never ran. */
  lastStatus: string;
}

export interface MergeReport {
  cohortRun: string;
  source: string;
  outs: string[];
  status: 'imported' | 'already-imported' | 'incomplete' | 'images-missing';
  libraryRunId: number | null;
  /** Results stored by this merge. */
  added: number;
  /** Slices of the cohort run. */
  total: number;
  missingShards: MissingShard[];
  /** Results whose image is not in the library (by its pixels' hash), a few named. */
  missingImages: string[];
  missingImageCount: number;
}

/** The cohort run's id, as the library run's settings name it. */
export interface CohortSettings {
  id: string;
  source: string;
  slices: number;
  shards: number | null;
}

export async function importResults(
  library: Library,
  outs: string[],
  control: JobControl & { signal: AbortSignal },
  log: (line: string) => void,
): Promise<MergeReport[]> {
  // Shards of one run written to several folders merge together; other runs stay apart.
  const groups = new Map<string, { run: CohortRun; outs: string[] }>();
  for (const out of [...new Set(outs.map((o) => resolve(o)))]) {
    const run = await readRunFile(out);
    const group = groups.get(run.id);
    if (group) group.outs.push(out);
    else groups.set(run.id, { run, outs: [out] });
  }
  const reports: MergeReport[] = [];
  for (const { run, outs: folders } of groups.values())
    reports.push(await mergeRun(library, run, folders, control, log));
  return reports;
}

async function mergeRun(
  library: Library,
  run: CohortRun,
  outs: string[],
  control: JobControl & { signal: AbortSignal },
  log: (line: string) => void,
): Promise<MergeReport> {
  const report: MergeReport = {
    cohortRun: run.id,
    source: describeSource(run.source),
    outs,
    status: 'incomplete',
    libraryRunId: null,
    added: 0,
    total: run.items.length,
    missingShards: [],
    missingImages: [],
    missingImageCount: 0,
  };
  const statuses = (await Promise.all(outs.map((out) => readShardStatuses(out)))).flat();
  const found: { out: string; result: CohortResult }[] = [];
  const missing = new Set<string>();
  for (const key of run.items) {
    let result: CohortResult | null = null;
    for (const out of outs) {
      result = await readResult(out, run.id, key);
      if (result) {
        found.push({ out, result });
        break;
      }
    }
    if (!result) missing.add(key);
  }
  if (missing.size > 0) {
    report.missingShards = missingByShard(run, missing, statuses);
    return report;
  }

  // Every result's image must be in the library (found by its pixels), before anything is stored.
  const imageIds: number[] = [];
  for (const { result } of found) {
    const ids = library.imageIdsByHash(result.imageHash);
    const id = result.imageId !== null && ids.includes(result.imageId) ? result.imageId : ids[0];
    if (id === undefined) {
      report.missingImageCount++;
      if (report.missingImages.length < 5) report.missingImages.push(result.key);
    }
    imageIds.push(id);
  }
  if (report.missingImageCount > 0) {
    report.status = 'images-missing';
    return report;
  }

  const shardCounts = new Set(statuses.map((s) => s.count));
  let target = library.listRuns().find((r) => cohortOf(r)?.id === run.id);
  if (target?.status === 'failed')
    throw new Error(
      `library run ${target.id} of cohort run ${run.id} failed earlier: ${target.error}`,
    );
  if (!target) {
    const cohort: CohortSettings = {
      id: run.id,
      source: report.source,
      slices: run.items.length,
      shards: shardCounts.size === 1 ? [...shardCounts][0] : null,
    };
    target = library.createRun({
      name: `cohort ${run.id.slice(0, 8)}`,
      settings: { ...run.settings, cohort },
      modelIds: run.models.map((model) => library.registerModel(model).id),
    });
    log(`library run ${target.id} created for cohort run ${run.id}`);
  }
  report.libraryRunId = target.id;
  const stored = new Set(library.listResults(target.id).map((r) => r.imageId));
  const todo = found
    .map((entry, i) => ({ ...entry, imageId: imageIds[i] }))
    .filter((entry) => !stored.has(entry.imageId));
  if (target.status === 'done') {
    if (todo.length > 0)
      throw new Error(
        `library run ${target.id} of cohort run ${run.id} is finished but lacks ${todo.length} of its results`,
      );
    report.status = 'already-imported';
    return report;
  }
  const progress = new ProgressTracker(control, 'importing results', todo.length, 'import');
  try {
    for (const { out, result, imageId } of todo) {
      await progress.checkpoint();
      const dir = resultPaths(out, result.key).dir;
      const image = async (part: CohortResult['map']) =>
        dequantise(await decodeGrayPng(await readFile(join(dir, part.file))), part.scale);
      await library.saveResult({
        runId: target.id,
        imageId,
        reconstruction: await image(result.reconstruction),
        map: await image(result.map),
        score: result.score,
        pixelThreshold: run.pixelThreshold,
        classifierProbability: result.classifierProbability,
      });
      report.added++;
      progress.step();
    }
  } catch (error) {
    // Cancelled: the run goes, as a cancelled reconstruction's does; a crash leaves it running,
    // and the next merge adds what it lacks.
    if (error instanceof CancelledError || control.signal.aborted)
      library.discardRun(target.id, 'import-results cancelled');
    throw error;
  }
  const shardsOfRun = latestStatuses(statuses);
  library.finishRun(target.id, {
    slices: run.items.length,
    computeSeconds: shardsOfRun.reduce((sum, s) => sum + s.computeSeconds, 0),
    shards: shardsOfRun.length,
  });
  report.status = 'imported';
  return report;
}

export function cohortOf(run: Run): CohortSettings | null {
  const cohort = run.settings.cohort as CohortSettings | undefined;
  return cohort && typeof cohort.id === 'string' ? cohort : null;
}

/** One status per shard name (several output folders may each hold one). */
function latestStatuses(statuses: ShardStatus[]): ShardStatus[] {
  const byShard = new Map<string, ShardStatus>();
  for (const status of statuses) {
    const seen = byShard.get(status.shard);
    if (!seen || (status.startedAt ?? '') > (seen.startedAt ?? ''))
      byShard.set(status.shard, status);
  }
  return [...byShard.values()];
}

/** The missing results counted per shard of the count the tasks ran with (1 if none reported). */
function missingByShard(
  run: CohortRun,
  missing: Set<string>,
  statuses: ShardStatus[],
): MissingShard[] {
  const latest = latestStatuses(statuses);
  const counts = [...new Set(latest.map((s) => s.count))];
  const count = counts.length === 1 ? counts[0] : 1;
  const items = run.items.map((key) => ({ key }));
  const shards: MissingShard[] = [];
  for (let index = 0; index < count; index++) {
    const mine = shardItems(items, { index, count });
    const lacking = mine.filter((item) => missing.has(item.key)).length;
    if (lacking === 0) continue;
    const name = shardName({ index, count });
    const status = latest.find((s) => s.shard === name);
    shards.push({
      shard: `${index}/${count}`,
      missing: lacking,
      of: mine.length,
      lastStatus: !status
        ? 'never started'
        : status.status === 'failed'
          ? `failed: ${status.error ?? 'no reason given'}`
          : status.status === 'running'
            ? `running or killed (last report ${status.computed} computed, on ${status.host})`
            : status.status,
    });
  }
  return shards;
}
