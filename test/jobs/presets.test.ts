/**
 * Every named preset reconstructs (issue 19, row 2): fast, balanced and quality ran DDIM
 * inversion over models whose own preset (the shipped models/preset.json) averages 3 noise draws,
 * and the job failed with "noiseDraws > 1 needs the stochastic (noise) encoding". Each preset now
 * reconstructs a test slice over the shipped preset, and over one that re-synthesises patches.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JobSpecSchema,
  PresetNameSchema,
  RECONSTRUCTION_PRESETS,
  ReconstructResultSchema,
} from '../../src-main/contract/index.ts';
import { runReconstruct } from '../../src-main/jobs/kinds/reconstruct.ts';
import { Library } from '../../src-main/library/index.ts';
import { importedTinyWorkspace } from '../fixtures/tinyWorkspace.ts';

let root: string;
let studyId: number;

beforeAll(async () => {
  const workspace = await importedTinyWorkspace('anomap-presets-');
  root = workspace.root;
  studyId = workspace.studyIds[0];
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The shipped operating point, at the tiny models' image size. */
const shipped = { ...JSON.parse(readFileSync('models/preset.json', 'utf8')), imageSize: 32 };

async function reconstructWith(preset: string) {
  const spec = JobSpecSchema.parse({ kind: 'reconstruct', studyIds: [studyId], preset });
  const result = await runReconstruct({
    jobId: `preset-${preset}`,
    spec: spec as never,
    context: {
      libraryDir: join(root, 'library'),
      modelsDir: join(root, 'models'),
      checkpointsDir: join(root, 'checkpoints'),
    },
    control: { signal: new AbortController().signal, onProgress: () => {} },
    libraryChanged: () => {},
  });
  const { runId } = ReconstructResultSchema.parse(result);
  const library = Library.open(join(root, 'library'));
  try {
    return { run: library.getRun(runId), results: library.listResults(runId, studyId) };
  } finally {
    library.close();
  }
}

describe('the named presets', () => {
  it('shipped models/preset.json averages noise draws (the clash this guards against)', () => {
    expect(shipped.encoding).toBe('noise');
    expect(shipped.noiseDraws).toBeGreaterThan(1);
  });

  // Every preset over the shipped operating point; the fastest also over a patch-wise one.
  const cases = [
    ...PresetNameSchema.options.map((name) => [name, 'the shipped preset', shipped] as const),
    ['fast', 'a patch-wise preset', { ...shipped, mapMethod: 'patches', patchSize: 16 }] as const,
  ];
  for (const [name, models, preset] of cases)
    it(`${name} reconstructs a test slice over ${models}`, async () => {
      writeFileSync(join(root, 'models', 'preset.json'), JSON.stringify(preset));
      const { run, results } = await reconstructWith(name);
      expect(run.status).toBe('done');
      expect(run.settings).toMatchObject(RECONSTRUCTION_PRESETS[name]);
      expect(results.length).toBeGreaterThan(0);
      expect(results.every((result) => Number.isFinite(result.score))).toBe(true);
    }, 120_000);
});
