import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  rankRows,
  registerSweepCommand,
  sweepCases,
  type SweepRow,
} from '../../src-main/cli/commands/sweep.ts';
import { initBackend } from '../../src-main/engine/backend.ts';
import { calibrateHealthyResidual } from '../../src-main/engine/calibrateHealthyResidual.ts';
import { evaluate } from '../../src-main/engine/evaluate.ts';
import { loadModels, reconstruct, settingsFor } from '../../src-main/engine/pipeline.ts';
import { readPreset } from '../../src-main/engine/preset.ts';
import { readDatasetManifest } from '../../src-main/engine/train/dataset.ts';
import {
  writeSyntheticBrainDataset,
  type SyntheticDataset,
} from '../fixtures/syntheticBrainDataset.ts';
import { writeTinyModels } from '../fixtures/tinyModels.ts';

let root: string;
let dataset: SyntheticDataset;

beforeAll(async () => {
  await initBackend();
  root = await mkdtemp(join(tmpdir(), 'anomap-sweep-'));
  dataset = await writeSyntheticBrainDataset(join(root, 'data'));
  await writeTinyModels(join(root, 'models'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function row(pixelAuprc: number, labF1: number, guidanceScale: number): SweepRow {
  return {
    settings: {
      noiseLevel: 100,
      stride: 20,
      guidanceScale,
      encoding: 'noise',
      smoothingSigma: 1,
    },
    pixelAuprc,
    labF1,
    bestDice: 0,
    imageAuroc: 0.5,
    courseF1: 0,
    pixelThreshold: 0.1,
    imageScoreThreshold: 0.2,
    secondsPerSlice: 1,
  };
}

describe('rankRows', () => {
  it('orders by the sum of ranks in pixel AUPRC and lab F1, ties broken by pixel AUPRC', () => {
    // AUPRC ranks: a 0, b 1, c 2, d 3; lab F1 ranks: a 3, b 0, c 1, d 2.
    // Sums: a 3, b 1, c 3, d 5 -> b, then a before c (higher AUPRC), then d.
    const [a, b, c, d] = [row(0.4, 0.0, 1), row(0.3, 0.3, 2), row(0.2, 0.2, 3), row(0.1, 0.1, 4)];
    const ranked = rankRows([a, b, c, d]);
    expect(ranked.map((r) => r.settings.guidanceScale)).toEqual([2, 1, 3, 4]);
    expect(ranked.map((r) => r.rankSum)).toEqual([1, 3, 3, 5]);
  });
});

describe('sweepCases', () => {
  it('takes healthy val and held-out classifier cases, never the test split', async () => {
    const all = await readDatasetManifest(dataset.manifestPath);
    const cases = sweepCases(all);
    expect(cases.some((c) => c.split === 'test')).toBe(false);
    expect(cases.filter((c) => c.split === 'val')).toHaveLength(4);
    expect(cases.filter((c) => c.split === 'classifier_train')).toHaveLength(1);
  });
});

describe('anomap sweep', () => {
  it('measures each map method, ranks, writes sweep.json, sweep.md and the preset', async () => {
    const out = join(root, 'sweep');
    const program = new Command('anomap').exitOverride();
    registerSweepCommand(program);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await program.parseAsync(
        [
          'sweep',
          ...['--manifest', dataset.manifestPath, '--models', join(root, 'models')],
          ...['--out', out, '--noise-levels', '20', '--strides', '10', '--scales', '0,5'],
          ...['--encodings', 'noise', '--map-methods', 'reconstruction,stitch'],
          '--write-preset',
        ],
        { from: 'user' },
      );
    } finally {
      write.mockRestore();
    }
    const sweep = JSON.parse(await readFile(join(out, 'sweep.json'), 'utf8'));
    expect(sweep.set).toBe('4 healthy val + 1 held-out classifier_train pathological');
    expect(sweep.ranking).toMatch(/pixel AUPRC .* and lab F1/);
    expect(sweep.rows).toHaveLength(4);
    const methods = sweep.rows.map(
      (r: SweepRow) => `${r.settings.mapMethod} s=${r.settings.guidanceScale}`,
    );
    expect(methods.sort()).toEqual([
      'reconstruction s=0',
      'reconstruction s=5',
      'stitch s=0',
      'stitch s=5',
    ]);
    for (const r of sweep.rows as SweepRow[]) {
      expect(r.labF1).toBeGreaterThanOrEqual(0);
      expect(r.labF1).toBeLessThanOrEqual(1);
      if (r.settings.mapMethod === 'stitch') expect(r.settings.maskThreshold).toBeGreaterThan(0);
    }
    expect(existsSync(join(out, 'sweep.md'))).toBe(true);
    expect(await readFile(join(out, 'sweep.md'), 'utf8')).toMatch(/\| pixel AUPRC \| lab F1 \|/);
    // The winner is the preset, and a reconstruction with the preset uses its map method.
    const preset = await readPreset(join(root, 'models', 'preset.json'));
    const winner = sweep.rows[0] as SweepRow;
    expect(preset.mapMethod).toBe(winner.settings.mapMethod);
    expect(preset.chosenBy).toMatch(/ranked by the sum of ranks in pixel AUPRC/);
    expect(settingsFor(preset).mapMethod).toBe(winner.settings.mapMethod);
  });
});

describe('anomap sweep over map normalisations', () => {
  async function sweep(models: string, out: string, normalisations: string, extra: string[] = []) {
    const program = new Command('anomap').exitOverride();
    registerSweepCommand(program);
    const said: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      said.push(String(chunk));
      return true;
    });
    try {
      await program.parseAsync(
        [
          'sweep',
          ...['--manifest', dataset.manifestPath, '--models', models, '--out', out],
          ...['--noise-levels', '20', '--strides', '10', '--scales', '0', '--encodings', 'noise'],
          ...['--normalisations', normalisations, '--healthy-source', 'all', ...extra],
        ],
        { from: 'user' },
      );
    } finally {
      write.mockRestore();
      err.mockRestore();
    }
    const rows = JSON.parse(await readFile(join(out, 'sweep.json'), 'utf8')).rows as SweepRow[];
    return { rows, residualsMade: said.filter((l) => l.startsWith('healthy residual for')) };
  }

  it("measures each normalisation against its own raw map's healthy residual, made once", async () => {
    const models = join(root, 'models-norm');
    await writeTinyModels(models);
    const { rows, residualsMade } = await sweep(
      models,
      join(root, 'sweep-norm'),
      'none,healthy-z,healthy-ratio',
    );
    expect(rows.map((r) => r.settings.mapNormalisation).sort()).toEqual([
      'healthy-ratio',
      'healthy-z',
      'none',
    ]);
    // One raw map, so one healthy residual for both normalisations.
    expect(residualsMade).toHaveLength(1);
    // The z row is what evaluate gives with that residual (a second path to the same figure).
    const z = rows.find((r) => r.settings.mapNormalisation === 'healthy-z')!;
    const loaded = await loadModels(models);
    const { smoothingSigma, ...settings } = z.settings;
    const residual = await calibrateHealthyResidual(
      { ...loaded, preset: { ...loaded.preset, smoothingSigma } },
      { manifestPath: dataset.manifestPath, source: 'all', overrides: settings },
    );
    const report = await evaluate(
      { ...loaded, healthyResidual: residual },
      {
        manifestPath: dataset.manifestPath,
        split: 'sweep',
        cases: sweepCases(await readDatasetManifest(dataset.manifestPath)),
        calibrationSplit: 'val',
        unguided: false,
        overrides: settings,
        smoothingSigma,
        classifierTimesteps: [],
      },
    );
    expect(z.pixelAuprc).toBeCloseTo(report.guided.pixelAuprc, 6);
    expect(z.pixelThreshold).toBeCloseTo(report.guided.threshold, 6);
    // In healthy standard deviations, not in the raw map's units.
    const raw = rows.find((r) => r.settings.mapNormalisation === 'none')!;
    expect(z.pixelThreshold).not.toBeCloseTo(raw.pixelThreshold, 3);
  });

  it('writes a normalised winner with its healthy residual, which a reconstruction then uses', async () => {
    const models = join(root, 'models-z');
    await writeTinyModels(models);
    await sweep(models, join(root, 'sweep-z'), 'healthy-z', ['--write-preset']);
    const loaded = await loadModels(models);
    expect(loaded.preset.mapNormalisation).toBe('healthy-z');
    expect(loaded.healthyResidual).not.toBeNull();
    const slice = { size: 32, pixels: new Float32Array(1024).map((_, i) => (i % 32) / 16 - 1) };
    const { settings } = await reconstruct(loaded, [slice]);
    expect(settings.mapNormalisation).toBe('healthy-z');
  });
});
