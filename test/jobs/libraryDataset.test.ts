import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EvaluationSchema,
  JobSpecSchema,
  TrainResultSchema,
} from '../../src-main/contract/index.ts';
import { JobRunner, forkEngine } from '../../src-main/jobs/index.ts';
import { trainingSplits } from '../../src-main/jobs/kinds/dataset.ts';
import { datasetsDir, evaluationFile } from '../../src-main/jobs/paths.ts';
import { Library, exportDataset, importPaths } from '../../src-main/library/index.ts';
import { initBackend } from '../../src-main/engine/index.ts';
import {
  prepareCases,
  readDatasetManifest,
  type PreparedCase,
} from '../../src-main/engine/train/dataset.ts';
import { classifierSplit } from '../../src-main/engine/train/index.ts';
import {
  writeSyntheticBrainDataset,
  type SyntheticDataset,
} from '../fixtures/syntheticBrainDataset.ts';
import { writeTinyModels } from '../fixtures/tinyModels.ts';
import { jobEnd } from './helpers.ts';

let root: string;
let libraryDir: string;
let dataset: SyntheticDataset;

beforeAll(async () => {
  await initBackend();
  root = mkdtempSync(join(tmpdir(), 'anomap-library-dataset-'));
  libraryDir = join(root, 'library');
  dataset = await writeSyntheticBrainDataset(join(root, 'data'));
  await writeTinyModels(join(root, 'models'));
  const library = Library.open(libraryDir);
  try {
    const summary = await importPaths(library, [dataset.manifestPath]);
    expect(summary.failed).toEqual([]);
  } finally {
    library.close();
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function withLibrary<T>(use: (library: Library) => Promise<T>): Promise<T> {
  const library = Library.open(libraryDir);
  return use(library).finally(() => library.close());
}

const caseKey = (c: PreparedCase) =>
  [c.case.split, c.case.label, c.case.source, [...c.case.findings].sort().join(';')].join('|');

describe("the library's labels as a dataset", () => {
  it('writes every labelled study so the engine reads the same slices, labels, splits and finding boxes as from the original manifest', async () => {
    const written = await withLibrary((library) => exportDataset(library, join(root, 'export')));
    expect(written).toMatchObject({ images: dataset.cases.length, normal: 19, pathological: 8 });
    expect(written.findingMasks).toBe(9);
    const [original, exported] = await Promise.all(
      [dataset.manifestPath, written.manifestPath].map(async (path) =>
        prepareCases(await readDatasetManifest(path), 32),
      ),
    );
    expect(exported.map(caseKey).sort()).toEqual(original.map(caseKey).sort());
    for (const source of original) {
      // The same slice, found by its preprocessed pixels, carries the same masks.
      const twin = exported.find((c) => c.pixels.every((v, i) => v === source.pixels[i]));
      if (!twin) throw new Error(`${source.case.image} is missing from the export`);
      expect(caseKey(twin)).toBe(caseKey(source));
      expect(twin.findingMask).toEqual(source.findingMask);
      expect(twin.healthyMask).toEqual(source.healthyMask);
      expect(twin.brainMask).toEqual(source.brainMask);
    }
  });

  it('leaves out unlabelled and uncertain studies, and for training keeps the val and test splits out', async () => {
    const written = await withLibrary(async (library) => {
      const [first, second] = library.listStudies({ split: 'train', offset: 0, limit: 2 }).studies;
      library.setLabel(first.id, { verdict: 'uncertain' });
      library.setLabel(second.id, { verdict: null });
      try {
        return await exportDataset(library, join(root, 'training'), { splitOf: trainingSplits });
      } finally {
        library.setLabel(first.id, { verdict: 'normal' });
        library.setLabel(second.id, { verdict: 'normal' });
      }
    });
    const cases = await readDatasetManifest(written.manifestPath);
    const trainHealthy = dataset.cases.filter((c) => c.split === 'train').length - 2;
    const pathological = dataset.cases.filter((c) => c.split === 'classifier_train').length;
    expect(cases).toHaveLength(trainHealthy + pathological);
    expect(new Set(cases.map((c) => c.split))).toEqual(new Set(['train', 'classifier_train']));
    const split = classifierSplit(cases);
    expect(split.train.pathological.length + split.holdout.pathological.length).toBe(pathological);
  });
});

describe('jobs that read the library instead of a manifest', () => {
  let runner: JobRunner;
  beforeAll(() => {
    runner = new JobRunner({
      spawnEngine: forkEngine(),
      context: {
        libraryDir,
        modelsDir: join(root, 'models'),
        checkpointsDir: join(root, 'checkpoints'),
      },
    });
  });
  afterAll(() => runner.close());

  const evaluation = async (spec: object) => {
    const job = runner.start(JobSpecSchema.parse({ kind: 'evaluate', ...spec }));
    const ended = await jobEnd(runner, job.id);
    expect(ended.status, ended.error ?? '').toBe('finished');
    return EvaluationSchema.parse(
      JSON.parse(readFileSync(evaluationFile(libraryDir, job.id), 'utf8')),
    );
  };

  it('evaluates the library test split with the same numbers as the manifest it was imported from', async () => {
    const fromLibrary = await evaluation({ withUnguided: false });
    const fromManifest = await evaluation({
      manifestPath: dataset.manifestPath,
      withUnguided: false,
    });
    expect(fromLibrary.fromLibrary).toBe(true);
    expect(fromManifest.fromLibrary).toBe(false);
    expect([fromLibrary.cases, fromLibrary.healthy, fromLibrary.pathological]).toEqual([6, 3, 3]);
    for (const key of ['imageAuroc', 'pixelAuprc', 'bestDice', 'courseTp', 'courseFp'] as const)
      expect(fromLibrary.guided[key], key).toBeCloseTo(fromManifest.guided[key], 6);
    expect(fromLibrary.guided.perFinding).toEqual(fromManifest.guided.perFinding);
    // The saved evaluation keeps the lab F1 the engine computed, overall and per finding.
    expect(fromLibrary.guided.labF1).toBeGreaterThanOrEqual(0);
    expect(fromLibrary.guided.labF1).toBeCloseTo(fromManifest.guided.labF1!, 6);
    expect(Object.keys(fromLibrary.guided.labPerFinding ?? {}).sort()).toEqual(
      Object.keys(fromLibrary.guided.perFinding).sort(),
    );
    expect(fromLibrary.guided.mapUnits).toMatch(/lab F1 on map x 0.5/);
  });

  it('fails an evaluation of a split the library lacks with the reason, and leaves no dataset behind', async () => {
    const job = runner.start(JobSpecSchema.parse({ kind: 'evaluate', split: 'nowhere' }));
    const ended = await jobEnd(runner, job.id);
    expect(ended.status).toBe('failed');
    expect(ended.error).toMatch(/no images in split "nowhere"/);
    expect(existsSync(join(datasetsDir(libraryDir), `evaluate-${job.id}`))).toBe(false);
    expect(existsSync(evaluationFile(libraryDir, job.id))).toBe(false);
  });

  it('trains the classifier from the labelled studies', async () => {
    const job = runner.start(
      JobSpecSchema.parse({ kind: 'train', model: 'classifier', steps: 1, batchSize: 2 }),
    );
    const ended = await jobEnd(runner, job.id);
    expect(ended.status, ended.error ?? '').toBe('finished');
    const result = TrainResultSchema.parse(ended.result);
    expect(result).toMatchObject({ model: 'classifier', steps: 1, fromLibrary: true });
    expect(readdirSync(result.outDir)).toContain('manifest.json');
    const written = await readDatasetManifest(
      join(datasetsDir(libraryDir), 'train-classifier', 'manifest.csv'),
    );
    expect(written.some((c) => c.split === 'test' || c.split === 'val')).toBe(false);
  });
});
