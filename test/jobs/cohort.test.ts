/**
 * A cohort in shards, in this process: four shards give the results of the whole run; a shard
 * run again after a kill computes only what it lacked; the merge stores each result once, as one
 * library run with its settings and models, and imports nothing of an incomplete run.
 */
import { cp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readRunFile,
  resultPaths,
  type CohortResult,
} from '../../src-main/jobs/cohort/cohortFiles.ts';
import { importResults } from '../../src-main/jobs/cohort/importResults.ts';
import {
  reconstructShard,
  type ShardOptions,
} from '../../src-main/jobs/cohort/reconstructShard.ts';
import { shardItems } from '../../src-main/jobs/cohort/shards.ts';
import { Library, importPaths } from '../../src-main/library/index.ts';
import {
  COHORT_SLICES,
  cohortWorkspace,
  type CohortWorkspace,
} from '../fixtures/cohortWorkspace.ts';

let workspace: CohortWorkspace;
const quiet = () => {};
const control = () => ({ signal: new AbortController().signal });

function options(out: string, index: number, count: number): ShardOptions {
  return {
    input: { kind: 'manifest', manifest: workspace.manifest, split: 'test' },
    out,
    modelsDir: workspace.models,
    shard: { index, count },
    overrides: {},
    batchSize: 2,
    threads: null,
  };
}

async function scores(out: string): Promise<Map<string, number>> {
  const run = await readRunFile(out);
  const map = new Map<string, number>();
  for (const key of run.items) {
    const json = JSON.parse(await readFile(resultPaths(out, key).json, 'utf8')) as CohortResult;
    map.set(key, json.score);
  }
  return map;
}

async function libraryWithImages(name: string): Promise<Library> {
  const library = Library.open(join(workspace.root, name));
  await importPaths(library, [workspace.manifest]);
  return library;
}

beforeAll(async () => {
  workspace = await cohortWorkspace('anomap-cohort-');
  await reconstructShard(options(join(workspace.root, 'whole'), 0, 1), control(), quiet);
  for (let i = 0; i < 4; i++)
    await reconstructShard(options(join(workspace.root, 'shards'), i, 4), control(), quiet);
});

afterAll(async () => {
  if (workspace) await rm(workspace.root, { recursive: true, force: true });
});

describe('cohort shards', () => {
  it('four shards give the scores of one process (1e-5), for the same run id', async () => {
    const whole = await scores(join(workspace.root, 'whole'));
    const sharded = await scores(join(workspace.root, 'shards'));
    expect(whole.size).toBe(COHORT_SLICES);
    expect([...sharded.keys()]).toEqual([...whole.keys()]);
    for (const [key, score] of whole)
      expect(Math.abs(sharded.get(key)! - score)).toBeLessThan(1e-5);
    expect((await readRunFile(join(workspace.root, 'shards'))).id).toBe(
      (await readRunFile(join(workspace.root, 'whole'))).id,
    );
  });

  it('a shard run again after a kill computes only the result it lacked', async () => {
    const out = join(workspace.root, 'killed');
    await cp(join(workspace.root, 'shards'), out, { recursive: true });
    const run = await readRunFile(out);
    const mine = shardItems(
      run.items.map((key) => ({ key })),
      { index: 1, count: 4 },
    );
    // What a kill during a write leaves: the maps and a temporary JSON, no result JSON.
    const lost = resultPaths(out, mine[0].key);
    await rm(lost.json);
    await writeFile(`${lost.json}.abc.tmp`, '{"half');
    const kept = await Promise.all(mine.slice(1).map((i) => stat(resultPaths(out, i.key).json)));
    const { status } = await reconstructShard(options(out, 1, 4), control(), quiet);
    expect(status).toMatchObject({ items: mine.length, skipped: mine.length - 1, computed: 1 });
    expect(status.status).toBe('complete');
    const after = await Promise.all(mine.slice(1).map((i) => stat(resultPaths(out, i.key).json)));
    expect(after.map((s) => s.mtimeMs)).toEqual(kept.map((s) => s.mtimeMs));
    expect((await scores(out)).get(mine[0].key)).toBeCloseTo(
      (await scores(join(workspace.root, 'whole'))).get(mine[0].key)!,
      5,
    );
  });

  it('refuses to write another run (other settings) into the folder of one', async () => {
    const other = { ...options(join(workspace.root, 'shards'), 0, 4), overrides: { stride: 5 } };
    await expect(reconstructShard(other, control(), quiet)).rejects.toThrow(/another run/);
  });
});

describe('import-results', () => {
  it('stores the 10 results once, as one run with its settings and models, however often it runs', async () => {
    const library = await libraryWithImages('library');
    try {
      const out = join(workspace.root, 'shards');
      const [first] = await importResults(library, [out], control(), quiet);
      expect(first).toMatchObject({ status: 'imported', added: COHORT_SLICES });
      const [second] = await importResults(library, [out, out], control(), quiet);
      expect(second).toMatchObject({ status: 'already-imported', added: 0 });
      const runs = library.listRuns();
      expect(runs).toHaveLength(1);
      const [run] = runs;
      expect(run.status).toBe('done');
      expect(run.modelIds).toHaveLength(2);
      const cohortRun = await readRunFile(out);
      expect(run.settings).toMatchObject({ ...cohortRun.settings, cohort: { id: cohortRun.id } });
      const results = library.listResults(run.id);
      expect(results).toHaveLength(COHORT_SLICES);
      const byImage = new Map(results.map((r) => [library.getImage(r.imageId).hash, r.score]));
      const files = await scores(out);
      for (const key of cohortRun.items) {
        const json = JSON.parse(await readFile(resultPaths(out, key).json, 'utf8'));
        expect(byImage.get(json.imageHash)).toBe(files.get(key));
      }
    } finally {
      library.close();
    }
  });

  it("imports result files written before the map's key was renamed (anomalyMap)", async () => {
    const out = join(workspace.root, 'old-key');
    await cp(join(workspace.root, 'shards'), out, { recursive: true });
    const run = await readRunFile(out);
    for (const key of run.items) {
      const path = resultPaths(out, key).json;
      const { map, ...rest } = JSON.parse(await readFile(path, 'utf8')) as CohortResult;
      await writeFile(path, JSON.stringify({ ...rest, anomalyMap: map }));
    }
    const library = await libraryWithImages('library-old-key');
    try {
      const [report] = await importResults(library, [out], control(), quiet);
      expect(report).toMatchObject({ status: 'imported', added: COHORT_SLICES });
      const [result] = library.listResults(library.listRuns()[0].id);
      const map = await library.getResultImage(result.id, 'map');
      expect(map.values.some((v) => v > 0)).toBe(true);
    } finally {
      library.close();
    }
  });

  it('reports an incomplete shard and imports nothing of its run', async () => {
    const out = join(workspace.root, 'partial');
    await cp(join(workspace.root, 'shards'), out, { recursive: true });
    const run = await readRunFile(out);
    const [missing] = shardItems(
      run.items.map((key) => ({ key })),
      { index: 2, count: 4 },
    );
    await rm(resultPaths(out, missing.key).json);
    const library = await libraryWithImages('partial-library');
    try {
      const [report] = await importResults(library, [out], control(), quiet);
      expect(report.status).toBe('incomplete');
      expect(report.missingShards).toEqual([expect.objectContaining({ shard: '2/4', missing: 1 })]);
      expect(library.listRuns()).toEqual([]);
    } finally {
      library.close();
    }
  });

  it('imports nothing while the results name images the library does not hold', async () => {
    const library = Library.open(join(workspace.root, 'empty-library'));
    try {
      const [report] = await importResults(
        library,
        [join(workspace.root, 'shards')],
        control(),
        quiet,
      );
      expect(report).toMatchObject({ status: 'images-missing', missingImageCount: COHORT_SLICES });
      expect(library.listRuns()).toEqual([]);
    } finally {
      library.close();
    }
  });

  it('a cancelled merge leaves no run behind', async () => {
    const library = await libraryWithImages('cancelled-library');
    try {
      const controller = new AbortController();
      controller.abort();
      await expect(
        importResults(library, [join(workspace.root, 'shards')], controller, quiet),
      ).rejects.toThrow(/cancel/i);
      expect(library.listRuns()).toEqual([]);
    } finally {
      library.close();
    }
  });
});

describe('a cohort of library studies', () => {
  it('maps the studies of a split and merges back onto the same images', async () => {
    const library = await libraryWithImages('source-library');
    library.close();
    const dir = join(workspace.root, 'source-library');
    const out = join(workspace.root, 'from-library');
    for (let i = 0; i < 2; i++)
      await reconstructShard(
        { ...options(out, i, 2), input: { kind: 'library', library: dir, split: 'test' } },
        control(),
        quiet,
      );
    expect((await readdir(join(out, 'results'))).length).toBeGreaterThan(0);
    const reopened = Library.open(dir);
    try {
      const [report] = await importResults(reopened, [out], control(), quiet);
      expect(report).toMatchObject({ status: 'imported', added: COHORT_SLICES });
      const whole = await scores(join(workspace.root, 'whole'));
      // Matched by image: the library's image of each manifest row holds the same pixels.
      const byHash = new Map<string, number>();
      for (const key of (await readRunFile(join(workspace.root, 'whole'))).items) {
        const json = JSON.parse(
          await readFile(resultPaths(join(workspace.root, 'whole'), key).json, 'utf8'),
        ) as CohortResult;
        byHash.set(json.imageHash, whole.get(key)!);
      }
      const results = reopened.listResults(report.libraryRunId!);
      expect(results).toHaveLength(COHORT_SLICES);
      for (const r of results)
        expect(Math.abs(r.score - byHash.get(reopened.getImage(r.imageId).hash)!)).toBeLessThan(
          1e-5,
        );
    } finally {
      reopened.close();
    }
  });
});
