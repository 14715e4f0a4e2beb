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
import { settingsFor } from '../../src-main/engine/pipeline.ts';
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
