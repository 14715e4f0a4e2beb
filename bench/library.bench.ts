/**
 * Library benchmarks: import throughput on brain-mid (slices/s, the whole manifest with labels,
 * boxes and masks), list + filter + sort latency on a generated library of 100,000 studies
 * (median ms per page of 100, per query; target < 50 ms), and database size per 1,000 studies.
 * Prints the results and writes bench/results/library.json; asserts nothing.
 *
 *   npx tsx bench/library.bench.ts [--studies 100000] [--repeats 15] [--manifest PATH]
 */
import {
  existsSync,
  mkdtempSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Library, importPaths, type StudyQuery } from '../src-main/library/index.ts';
import { writeLabel } from '../src-main/library/labels.ts';

const here = dirname(fileURLToPath(import.meta.url));

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function folderBytes(folder: string): number {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}

function databaseBytes(library: Library): number {
  library.db.pragma('wal_checkpoint(TRUNCATE)');
  return statSync(join(library.dir, 'library.sqlite')).size;
}

async function importBrainMid(manifest: string, work: string) {
  const library = Library.open(join(work, 'brain-mid'), { actor: 'bench' });
  const start = performance.now();
  const summary = await importPaths(library, [manifest]);
  const seconds = (performance.now() - start) / 1000;
  const result = {
    manifest,
    seconds: Math.round(seconds * 100) / 100,
    slicesPerSecond: Math.round((summary.images / seconds) * 10) / 10,
    imported: summary.imported,
    images: summary.images,
    failed: summary.failed.length,
    annotations: library.db.prepare('SELECT COUNT(*) FROM annotations').pluck().get() as number,
    databaseBytesPer1000Studies: Math.round((databaseBytes(library) / summary.studies) * 1000),
    imageStoreBytesPer1000Studies: Math.round(
      (folderBytes(library.store.root) / summary.studies) * 1000,
    ),
  };
  library.close();
  return result;
}

const findings = [
  'mass',
  'edema',
  'enlarged_ventricles',
  'posttreatment_change',
  'craniotomy',
  'resection_cavity',
];
const statuses = ['not-reviewed', 'in-progress', 'done', 'flagged'] as const;

/** Rows only (the image files are not needed to time queries), written like an import would. */
export function generateLibrary(library: Library, count: number): number {
  const run = library.createRun({ name: 'bench', settings: { imageSize: 128 }, modelIds: [] });
  const insertResult = library.db.prepare(
    `INSERT INTO results (run_id, image_id, reconstruction_hash, reconstruction_scale, map_hash, map_scale, score, threshold, created_at)
     VALUES (?, ?, ?, '{"min":0,"max":1}', ?, '{"min":0,"max":1}', ?, 0.5, ?)`,
  );
  const insertScore = library.db.prepare(
    'INSERT INTO run_study_scores (run_id, study_id, score) VALUES (?, ?, ?)',
  );
  const fakeHash = (i: number) => i.toString(16).padStart(64, '0');
  library.db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const source = i % 3 === 0 ? 'IXI' : 'fastMRI';
      const pathological = i % 7 === 0;
      const added = library.addStudy({
        study: {
          uid: `bench:${i}`,
          patientAlias: `${source === 'IXI' ? 'IXI' : 'file_brain_'}${String((i * 7919) % 1_000_000).padStart(6, '0')}`,
          studyDate: `20${10 + (i % 15)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
          modality: 'MR',
          source,
          split: ['train', 'val', 'test'][i % 3],
          description: `T1 axial ${i % 5 === 0 ? 'post-contrast' : 'native'}`,
        },
        images: [
          {
            hash: fakeHash(i),
            width: 256,
            height: 256,
            bitDepth: 16,
            valueSlope: 1,
            valueIntercept: 0,
            originalPath: `/data/bench/${i}.dcm`,
          },
        ],
      });
      // A reader's own label on 30% (a label given to addStudy would be a reference label).
      if (i % 10 < 3)
        writeLabel(
          library.db,
          added.studyId,
          {
            verdict: pathological ? 'pathological' : 'normal',
            findings: pathological ? [findings[i % findings.length]] : [],
            status: statuses[i % 4],
          },
          'bench',
          'imported',
        );
      const score = ((i * 2654435761) % 1000) / 1000;
      insertResult.run(
        run.id,
        added.imageIds[0],
        fakeHash(i),
        fakeHash(i + 1),
        score,
        new Date().toISOString(),
      );
      insertScore.run(run.id, added.studyId, score);
    }
  })();
  return run.id;
}

export function timeQueries(library: Library, runId: number, repeats: number) {
  const page = { offset: 0, limit: 100 };
  const queries: Record<string, StudyQuery> = {
    'first page, import order': { ...page },
    'sorted by date, newest first': { ...page, sort: 'date', order: 'desc' },
    'pathological, sorted by patient': { ...page, label: 'pathological', sort: 'patient' },
    'finding = mass, sorted by date': { ...page, finding: 'mass', sort: 'date', order: 'desc' },
    'status = not-reviewed, sorted by date': { ...page, status: 'not-reviewed', sort: 'date' },
    'search "IXI12"': { ...page, search: 'IXI12' },
    'run scores, highest first': { ...page, runId, sort: 'score', order: 'desc' },
    'score 0.9-1.0, pathological, by score': {
      ...page,
      runId,
      scoreMin: 0.9,
      scoreMax: 1,
      label: 'pathological',
      sort: 'score',
      order: 'desc',
    },
    'page 500 (offset 50,000), by date': { offset: 50_000, limit: 100, sort: 'date' },
  };
  const results: Record<string, { medianMs: number; total: number }> = {};
  for (const [name, query] of Object.entries(queries)) {
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i <= repeats; i++) {
      const start = performance.now();
      total = library.listStudies(query).total;
      if (i > 0) times.push(performance.now() - start);
    }
    results[name] = { medianMs: Math.round(median(times) * 100) / 100, total };
  }
  return results;
}

async function main(): Promise<void> {
  const studies = Number(option('studies', '100000'));
  const repeats = Number(option('repeats', '15'));
  const manifest = option(
    'manifest',
    join(here, '..', '..', 'shared', 'data', 'brain-mid', 'manifest.csv'),
  );
  const work = mkdtempSync(join(tmpdir(), 'anomap-library-bench-'));
  const loadAverageAtStart = Math.round(loadavg()[0] * 100) / 100;
  try {
    const brainMid = existsSync(manifest)
      ? await importBrainMid(manifest, work)
      : { skipped: `no manifest at ${manifest}` };
    console.log('import', brainMid);

    const library = Library.open(join(work, 'generated'), { actor: 'bench' });
    const start = performance.now();
    const runId = generateLibrary(library, studies);
    const generateSeconds = (performance.now() - start) / 1000;
    library.db.pragma('optimize');
    const queries = timeQueries(library, runId, repeats);
    console.table(queries);
    const medians = Object.values(queries).map((query) => query.medianMs);
    const size = databaseBytes(library);
    library.close();

    const report = {
      date: new Date().toISOString(),
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      // Other work on the machine slows every figure; the 1-minute load average says how busy it was.
      loadAverageAtStart,
      importBrainMid: brainMid,
      list: {
        studies,
        pageSize: 100,
        repeats,
        targetMs: 50,
        medianOfQueryMediansMs: median(medians),
        worstQueryMedianMs: Math.max(...medians),
        queries,
        generateSeconds: Math.round(generateSeconds * 10) / 10,
      },
      databaseBytesPer1000Studies: {
        generated: Math.round((size / studies) * 1000),
        note: 'generated: one slice, a label on 30%, one result per study; brain-mid figure under importBrainMid',
      },
    };
    mkdirSync(join(here, 'results'), { recursive: true });
    writeFileSync(join(here, 'results', 'library.json'), JSON.stringify(report, null, 2) + '\n');
    console.log(`wrote ${join(here, 'results', 'library.json')}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
