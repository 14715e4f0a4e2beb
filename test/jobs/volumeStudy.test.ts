/**
 * A whole study as a volume (issue 21): a synthetic head imported from a NIfTI whose slice axis
 * runs superior to inferior, reconstructed by the job with the tiny models. By default the job
 * maps the mid-axial slab only, leaves the blank ends out as blank and the other slices as
 * outside the models' domain, each with its reason, and finishes; the study gets one score (its
 * hottest slice's) with the run's verdict; getStudy returns the slices in order with their
 * results and reasons. Asked for all slices, it maps every slice but the blank ones.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JobSpecSchema,
  ReconstructResultSchema,
  StudyDetailSchema,
} from '../../src-main/contract/index.ts';
import { initBackend } from '../../src-main/engine/backend.ts';
import { runReconstruct } from '../../src-main/jobs/kinds/reconstruct.ts';
import { Library, exportRun, importPaths } from '../../src-main/library/index.ts';
import { headPhantom, type HeadPhantomOptions } from '../fixtures/headPhantom.ts';
import { tinyWorkspace, type TinyWorkspace } from '../fixtures/tinyWorkspace.ts';
import { writeTinyModels } from '../fixtures/tinyModels.ts';
import { niftiBytes } from '../library/fixtures/nifti.ts';

/** 40 axial slices 4 mm apart: blank below 8 mm and above 150 mm. */
const phantom: HeadPhantomOptions = {
  slices: 40,
  spacingMm: 4,
  width: 24,
  height: 28,
  bottomMm: 8,
  topMm: 150,
  centreMm: 85,
};
let workspace: TinyWorkspace;
let libraryDir: string;
let studyId: number;

beforeAll(async () => {
  await initBackend();
  workspace = await tinyWorkspace('anomap-volume-');
  // An image operating point, so the study has a verdict.
  await writeTinyModels(workspace.models, { preset: { imageScoreThreshold: 0.05 } });
  libraryDir = join(workspace.root, 'library');
  const slices = headPhantom(phantom);
  const { width, height, slices: depth, spacingMm } = phantom;
  // Stored superior first: voxel k holds the phantom's slice depth - 1 - k.
  const values = new Uint8Array(width * height * depth);
  slices.forEach((slice, z) => values.set(slice.pixels, (depth - 1 - z) * width * height));
  const path = join(workspace.root, 'head.nii');
  const sform: [number[], number[], number[]] = [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, -spacingMm, (depth - 1) * spacingMm],
  ];
  writeFileSync(
    path,
    niftiBytes({ dims: [width, height, depth], datatype: 'uint8', values, sform }),
  );
  const library = Library.open(libraryDir);
  try {
    expect(await importPaths(library, [path])).toMatchObject({ imported: 1, failed: [] });
    studyId = library.listStudies({ offset: 0, limit: 1 }).studies[0].id;
  } finally {
    library.close();
  }
});

afterAll(() => rmSync(workspace.root, { recursive: true, force: true }));

async function reconstruct(allSlices: boolean) {
  const spec = JobSpecSchema.parse({ kind: 'reconstruct', studyIds: [studyId], allSlices });
  return ReconstructResultSchema.parse(
    await runReconstruct({
      jobId: `volume-${allSlices}`,
      spec: spec as never,
      context: {
        libraryDir,
        modelsDir: workspace.models,
        checkpointsDir: join(workspace.root, 'checkpoints'),
      },
      control: { signal: new AbortController().signal, onProgress: () => {} },
      libraryChanged: () => {},
    }),
  );
}

function studyOfRun(runId: number) {
  const library = Library.open(libraryDir);
  try {
    const study = library.getStudy(studyId, runId);
    return StudyDetailSchema.parse({
      ...study,
      results: library.listResults(runId, studyId),
      status: library.getRun(runId).status,
    });
  } finally {
    library.close();
  }
}

describe('a volume in the reconstruct job', () => {
  it('imports inferior first, with positions in mm', () => {
    const library = Library.open(libraryDir);
    try {
      const { images } = library.getStudy(studyId);
      expect(images.map((image) => image.sliceIndex)).toEqual([...Array(40).keys()]);
      expect(images.map((image) => image.slicePositionMm)).toEqual(
        Array.from({ length: 40 }, (_, i) => i * 4),
      );
      expect(images[0].sliceSpacingMm).toBe(4);
    } finally {
      library.close();
    }
  });

  it('maps the mid-axial slab only, skips the blank ends and the rest with reasons, and finishes', async () => {
    const result = await reconstruct(false);
    const library = Library.open(libraryDir);
    const status = library.getRun(result.runId).status;
    library.close();
    expect(status).toBe('done');
    const study = studyOfRun(result.runId);
    // The run's own counts: the slices it mapped and those it left out.
    const library3 = Library.open(libraryDir);
    const { timings } = library3.getRun(result.runId);
    library3.close();
    expect(timings).toMatchObject({ slices: study.results.length, skipped: 40 - 13 });
    const byImage = new Map(study.results.map((r) => [r.imageId, r]));
    const skipped = new Map(study.skippedSlices.map((s) => [s.imageId, s]));
    const mappedIndices = study.images.filter((i) => byImage.has(i.id)).map((i) => i.sliceIndex);
    // The head spans 8 to 148 mm (slices 2 to 37); the slab is 40% to 75% of it: 64 to 113 mm.
    expect(mappedIndices).toEqual([...Array(13).keys()].map((i) => i + 16));
    // Every slice has a result or a reason, never both.
    for (const image of study.images)
      expect(byImage.has(image.id) !== skipped.has(image.id)).toBe(true);
    const reasonOf = (index: number) => skipped.get(study.images[index].id)!;
    for (const blank of [0, 1, 38, 39]) expect(reasonOf(blank)).toMatchObject({ kind: 'blank' });
    expect(reasonOf(5)).toMatchObject({ kind: 'outside-domain' });
    expect(reasonOf(5).reason).toMatch(
      /^outside the mid-axial slab the models know: it lies at \d+% of the head/,
    );
    expect(reasonOf(36).reason).toMatch(/^outside the mid-axial slab the models know: /);
    expect(result.skipped).toHaveLength(40 - 13);

    // One score per study: the highest slice score, on the hottest slice, with the run's verdict.
    const scores = study.results.map((r) => r.score);
    expect(study.score).toBe(Math.max(...scores));
    const hottest = study.results.find((r) => r.score === study.score)!;
    expect(study.hottestImageId).toBe(hottest.imageId);
    expect(study.hottestSliceIndex).toBe(
      study.images.find((i) => i.id === hottest.imageId)!.sliceIndex,
    );
    expect(study.imageScoreThreshold).toBe(0.05);
    expect(study.aboveThreshold).toBe(study.score! > study.imageScoreThreshold!);

    // The run's export has one row per study with its score, verdict and left-out slices.
    const library2 = Library.open(libraryDir);
    try {
      const exported = exportRun(library2, result.runId, join(workspace.root, 'export'));
      const [header, row] = readFileSync(exported.studiesCsv, 'utf8').trim().split('\n');
      const cells = Object.fromEntries(
        header.split(',').map((name, i) => [name, row.split(',')[i]]),
      );
      expect(cells).toMatchObject({
        study_id: String(studyId),
        slices: '40',
        mapped_slices: '13',
        outside_domain_slices: '23',
        blank_slices: '4',
        study_score: String(study.score),
        hottest_slice_index: String(study.hottestSliceIndex),
        above_threshold: String(study.aboveThreshold),
      });
    } finally {
      library2.close();
    }
  });

  it('maps every slice but the blank ones when asked for all slices', async () => {
    const result = await reconstruct(true);
    const study = studyOfRun(result.runId);
    expect(study.results).toHaveLength(40 - 4);
    expect(study.skippedSlices.map((s) => s.kind)).toEqual(['blank', 'blank', 'blank', 'blank']);
  });
});
