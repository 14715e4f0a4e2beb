/**
 * The image verdict with real calibrated numbers: a preset calibrated by `anomap calibrate` on
 * the healthy val images of a tiny dataset, then one healthy and one pathological test slice
 * through `anomap reconstruct`, the reconstruct job, the run export and the renderer's AI verdict.
 * All must call the healthy slice normal and the pathological one pathological; comparing the
 * image score with the pixel cut-off (the old bug) calls both pathological.
 */
import { readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobSpecSchema, ReconstructResultSchema } from '../../src-main/contract/index.ts';
import { presetSchema } from '../../src-main/engine/preset.ts';
import { JobRunner, forkEngine } from '../../src-main/jobs/index.ts';
import { Library, exportRun, importPaths } from '../../src-main/library/index.ts';
import { aiVerdict, imageOperatingPoint } from '../../src-renderer/components/ai/aiVerdict.ts';
import type { SyntheticDataset } from '../fixtures/syntheticBrainDataset.ts';
import { tinyWorkspace } from '../fixtures/tinyWorkspace.ts';
import { jobEnd } from '../jobs/helpers.ts';
import { anomap } from './anomapProcess.ts';

let root: string;
let dataset: SyntheticDataset;
let models: string;
/** A healthy and a pathological (two findings) test slice of the synthetic dataset. */
let slices: { healthy: string; pathological: string };

beforeAll(async () => {
  ({ root, dataset, models } = await tinyWorkspace('anomap-operating-point-'));
  const test = dataset.cases.filter((c) => c.split === 'test');
  const healthy = test.filter((c) => c.findings === 0)[1];
  const pathological = test.find((c) => c.findings === 2)!;
  slices = {
    healthy: join(dataset.dir, healthy.image),
    pathological: join(dataset.dir, pathological.image),
  };
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the image operating point, calibrated on healthy val images', () => {
  it('tells a healthy from a pathological slice in the CLI, the job, the export and the app', async () => {
    const calibrated = await anomap(
      'calibrate',
      '--manifest',
      dataset.manifestPath,
      '--split',
      'val',
      '--models',
      models,
      '--write-preset',
    );
    expect(calibrated.code, calibrated.stderr).toBe(0);
    const preset = presetSchema.parse(
      JSON.parse(await readFile(join(models, 'preset.json'), 'utf8')),
    );
    expect(preset.calibrationSet).toMatch(/^val split of .*manifest\.csv, 4 healthy images$/);
    const { pixelThreshold, imageScoreThreshold } = preset;
    if (pixelThreshold === null || imageScoreThreshold === null)
      throw new Error('calibrate wrote no thresholds');
    // 4 healthy images at 5%: none may exceed the point, so it is their highest score.
    const healthyScores = (
      JSON.parse(calibrated.stdout.slice(0, calibrated.stdout.lastIndexOf('}') + 1)) as {
        healthyScores: { score: number }[];
      }
    ).healthyScores.map((h) => h.score);
    expect(imageScoreThreshold).toBe(Math.max(...healthyScores));

    const out = join(root, 'reconstructed');
    const run = await anomap(
      'reconstruct',
      slices.healthy,
      slices.pathological,
      '--out',
      out,
      '--models',
      models,
    );
    expect(run.code, run.stderr).toBe(0);
    const cli = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as {
      results: { score: number; aboveThreshold: boolean | null }[];
    };
    expect(cli.results.map((r) => r.aboveThreshold)).toEqual([false, true]);
    // Both scores are above the pixel cut-off: judged by it, both would be "pathological".
    for (const r of cli.results) expect(r.score).toBeGreaterThan(pixelThreshold);
    expect(run.stdout).toMatch(/healthy.*below the image operating point|below the image/);

    const library = join(root, 'library');
    const studies = await importSlices(library);
    const runId = await reconstructJob(library, [studies.healthy, studies.pathological]);
    const opened = Library.open(library);
    try {
      const results = opened.listResults(runId);
      const byStudy = new Map(results.map((r) => [r.studyId, r]));
      const [healthy, pathological] = [
        byStudy.get(studies.healthy)!,
        byStudy.get(studies.pathological)!,
      ];
      expect(healthy.imageScoreThreshold).toBe(imageScoreThreshold);
      expect(healthy.pixelThreshold).toBe(pixelThreshold);
      // The job computes the same scores from the stored images as the CLI from the files.
      expect(healthy.score).toBeCloseTo(cli.results[0].score, 5);
      expect(pathological.score).toBeCloseTo(cli.results[1].score, 5);
      const verdictOf = (r: typeof healthy) =>
        aiVerdict(r.score, imageOperatingPoint(r as never, null, null));
      expect([verdictOf(healthy), verdictOf(pathological)]).toEqual(['normal', 'pathological']);
      const report = exportRun(opened, runId, join(root, 'export'));
      const [header, ...lines] = readFileSync(report.csv, 'utf8').trim().split('\n');
      const column = header.split(',').indexOf('above_threshold');
      const above = new Map(lines.map((l) => [Number(l.split(',')[0]), l.split(',')[column]]));
      expect([above.get(studies.healthy), above.get(studies.pathological)]).toEqual([
        'false',
        'true',
      ]);
    } finally {
      opened.close();
    }
  });
});

/** Imports the two slices; returns the id of each one's study. */
async function importSlices(dir: string): Promise<{ healthy: number; pathological: number }> {
  const library = Library.open(dir);
  try {
    await importPaths(library, [slices.healthy, slices.pathological]);
    const studyOf = (path: string) => {
      const { studies } = library.listStudies({ offset: 0, limit: 10 });
      const study = studies.find((s) =>
        library.getStudy(s.id).images.some((image) => image.originalPath === path),
      );
      if (!study) throw new Error(`${path} was not imported`);
      return study.id;
    };
    return { healthy: studyOf(slices.healthy), pathological: studyOf(slices.pathological) };
  } finally {
    library.close();
  }
}

/** Runs the app's reconstruct job on the studies with the calibrated models; returns its run. */
async function reconstructJob(libraryDir: string, studyIds: number[]): Promise<number> {
  const runner = new JobRunner({
    spawnEngine: forkEngine(),
    context: { libraryDir, modelsDir: models, checkpointsDir: join(root, 'checkpoints') },
  });
  try {
    const job = runner.start(JobSpecSchema.parse({ kind: 'reconstruct', studyIds }));
    const ended = await jobEnd(runner, job.id);
    expect(ended.status, ended.error ?? '').toBe('finished');
    return ReconstructResultSchema.parse(ended.result).runId;
  } finally {
    await runner.close();
  }
}
