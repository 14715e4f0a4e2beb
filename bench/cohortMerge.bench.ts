/**
 * The cost of `anomap import-results` per result, the part of a cohort that does not shard: N
 * real brain-mid slices are imported into a fresh library, a cohort output with a result per
 * slice (maps of random values at the slice's own size, as a shard writes them) is written, and
 * the merge is timed, first and again (the idempotent no-op). Writes JSON where BENCH_OUT says
 * (default bench/results/cohort-merge.json). Never asserts on time.
 *
 *   npx tsx bench/cohortMerge.bench.ts [--slices 200]
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import {
  RESULT_FORMAT,
  RUN_FORMAT,
  claimRunFile,
  runIdOf,
  type CohortRun,
} from '../src-main/jobs/cohort/cohortFiles.ts';
import { importResults } from '../src-main/jobs/cohort/importResults.ts';
import { writeCohortResult } from '../src-main/jobs/cohort/reconstructShard.ts';
import { Library, decodeFile, hashPixels, importPaths } from '../src-main/library/index.ts';
import { readCsvTable } from '../src-main/files/csv.ts';

const { values } = parseArgs({
  options: {
    slices: { type: 'string', default: '200' },
    manifest: { type: 'string', default: '../shared/data/brain-mid/manifest.csv' },
  },
});
const count = Number(values.slices);
const source = resolve(values.manifest!);
const root = await mkdtemp(join(tmpdir(), 'anomap-merge-bench-'));
try {
  // A manifest of the first N train slices, by absolute path.
  const table = readCsvTable(readFileSync(source, 'utf8'));
  const rows = table.rows.filter((r) => r.cells.split === 'train').slice(0, count);
  const manifest = join(root, 'manifest.csv');
  await writeFile(
    manifest,
    [
      'image,source,split,label',
      ...rows.map(
        (r) => `${resolve(dirname(source), r.cells.image)},${r.cells.source},train,normal`,
      ),
    ].join('\n') + '\n',
  );
  const library = Library.open(join(root, 'library'));
  let started = performance.now();
  await importPaths(library, [manifest]);
  const importSeconds = (performance.now() - started) / 1000;

  const out = join(root, 'out');
  const items = rows.map((r) => resolve(dirname(source), r.cells.image)).sort();
  const described: Omit<CohortRun, 'id' | 'format'> = {
    source: { kind: 'manifest', manifest, manifestSha256: 'bench', split: null },
    settings: { noiseLevel: 100, stride: 10, guidanceScale: 60, imageSize: 64 },
    pixelThreshold: 0.1,
    models: [
      {
        name: 'bench/diffusion',
        version: 'bench',
        kind: 'diffusion',
        checksum: 'bench',
        manifest: {},
      },
    ],
    items,
  };
  const run: CohortRun = { format: RUN_FORMAT, id: runIdOf(described), ...described };
  await mkdir(out, { recursive: true });
  await claimRunFile(out, run);
  let seed = 1;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (const key of items) {
    const { pixels, width, height, bitDepth } = (await decodeFile(key)).slices[0].image;
    const values = () => Float32Array.from({ length: width * height }, random);
    await writeCohortResult(out, {
      format: RESULT_FORMAT,
      run: run.id,
      key,
      imageHash: hashPixels({ pixels, width, height, bitDepth }),
      imageId: null,
      width,
      height,
      score: random(),
      classifierProbability: null,
      maps: { reconstruction: values(), map: values() },
    });
  }
  const signal = new AbortController().signal;
  started = performance.now();
  const [first] = await importResults(library, [out], { signal }, () => {});
  const mergeSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const [again] = await importResults(library, [out], { signal }, () => {});
  const againSeconds = (performance.now() - started) / 1000;
  library.close();
  const result = {
    slices: items.length,
    imported: first.added,
    againStatus: again.status,
    importImagesSeconds: importSeconds,
    mergeSeconds,
    mergeMsPerResult: (mergeSeconds / items.length) * 1000,
    mergeAgainSeconds: againSeconds,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg() },
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  const path = process.env.BENCH_OUT ?? 'bench/results/cohort-merge.json';
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(result, null, 2) + '\n');
} finally {
  await rm(root, { recursive: true, force: true });
}
