/**
 * One blank slice no longer fails a whole job (issue 19, row 6): "cannot normalise the slice"
 * stopped a reconstruction or a training. The reconstruct job leaves the blank slice out, tells
 * which study and why in its result (kept with the job), and maps the other studies; a training
 * leaves the blank image out, says so in its summary and in the model's training data, and trains.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobSpecSchema, ReconstructResultSchema } from '../../src-main/contract/index.ts';
import { initBackend } from '../../src-main/engine/backend.ts';
import { trainDiffusion } from '../../src-main/engine/train/index.ts';
import { runReconstruct } from '../../src-main/jobs/kinds/reconstruct.ts';
import { Library } from '../../src-main/library/index.ts';
import { tinyConfig } from '../fixtures/tinyModels.ts';
import { importedTinyWorkspace, type TinyWorkspace } from '../fixtures/tinyWorkspace.ts';

let workspace: TinyWorkspace & { library: string; studyIds: number[] };
let blankStudyId: number;
const BLANK_REASON = /cannot normalise the slice: .*is the image blank\?/;

beforeAll(async () => {
  await initBackend();
  workspace = await importedTinyWorkspace('anomap-blank-');
  const library = Library.open(workspace.library);
  try {
    const pixels = new Uint8Array(48 * 40); // all black
    const hash = await library.store.put({ width: 48, height: 40, bitDepth: 8, pixels });
    blankStudyId = library.addStudy({
      study: { uid: 'blank-study', patientAlias: 'BLANK', split: 'test', source: 'fixture' },
      images: [
        {
          hash,
          width: 48,
          height: 40,
          bitDepth: 8,
          originalPath: '/scan/blank.png',
          valueSlope: 1,
          valueIntercept: 0,
        },
      ],
    }).studyId;
  } finally {
    library.close();
  }
});

afterAll(() => rmSync(workspace.root, { recursive: true, force: true }));

describe('a blank slice in a job', () => {
  it('is skipped by the reconstruct job, with its study and reason, and the others are mapped', async () => {
    const studyIds = [workspace.studyIds[0], blankStudyId, workspace.studyIds[1]];
    const spec = JobSpecSchema.parse({ kind: 'reconstruct', studyIds, withUnguided: true });
    const result = ReconstructResultSchema.parse(
      await runReconstruct({
        jobId: 'blank-1',
        spec: spec as never,
        context: {
          libraryDir: workspace.library,
          modelsDir: workspace.models,
          checkpointsDir: join(workspace.root, 'checkpoints'),
        },
        control: { signal: new AbortController().signal, onProgress: () => {} },
        libraryChanged: () => {},
      }),
    );
    expect(result.skipped).toHaveLength(1);
    // The job's domain check finds it blank before the preprocessing would have refused it.
    expect(result.skipped[0]).toMatchObject({ studyId: blankStudyId, kind: 'blank' });
    expect(result.skipped[0].reason).toBe('blank: no head in the slice');
    const library = Library.open(workspace.library);
    try {
      for (const runId of [result.runId, result.unguidedRunId!]) {
        expect(library.getRun(runId).status).toBe('done');
        expect(library.listResults(runId, blankStudyId)).toEqual([]);
        expect(library.getStudy(blankStudyId, runId).skippedSlices).toEqual([
          {
            imageId: result.skipped[0].imageId,
            kind: 'blank',
            reason: 'blank: no head in the slice',
          },
        ]);
        expect(library.listResults(runId, workspace.studyIds[0]).length).toBeGreaterThan(0);
        expect(library.listResults(runId, workspace.studyIds[1]).length).toBeGreaterThan(0);
        // The job's count of mapped slices is what each run stored.
        const stored = [workspace.studyIds[0], workspace.studyIds[1]].map(
          (studyId) => library.listResults(runId, studyId).length,
        );
        expect(result.mapped).toBe(stored[0] + stored[1]);
      }
    } finally {
      library.close();
    }
  });

  it('is left out of a training, which says so and trains on the rest', async () => {
    const dir = workspace.dataset.dir;
    await sharp(Buffer.alloc(48 * 40), { raw: { width: 48, height: 40, channels: 1 } })
      .png()
      .toFile(join(dir, 'blank.png'));
    const manifest = join(dir, 'with-blank.csv');
    const original = readFileSync(workspace.dataset.manifestPath, 'utf8').trimEnd().split('\n');
    const header = original[0].split(',');
    const blankRow = header.map((column) =>
      column === 'image'
        ? 'blank.png'
        : column === 'source'
          ? 'IXI'
          : column === 'split'
            ? 'train'
            : column === 'label'
              ? 'normal'
              : '',
    );
    writeFileSync(manifest, [...original, blankRow.join(',')].join('\n') + '\n');
    const outDir = join(workspace.root, 'trained');
    const summary = await trainDiffusion({
      manifestPath: manifest,
      outDir,
      workDir: join(workspace.root, 'train-work'),
      config: tinyConfig,
      steps: 1,
      batchSize: 2,
      seed: 1,
    });
    expect(summary.steps).toBe(1);
    expect(summary.skipped).toHaveLength(1);
    expect(summary.skipped[0].image).toBe(join(dir, 'blank.png'));
    expect(summary.skipped[0].reason).toMatch(BLANK_REASON);
    const stored = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
    expect(stored.training.skipped).toEqual(summary.skipped);
  });
});
