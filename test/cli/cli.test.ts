import { existsSync } from 'node:fs';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/engine/backend.ts';
import { registerEvaluateCommand } from '../../src-main/cli/commands/evaluate.ts';
import { registerReconstructCommand } from '../../src-main/cli/commands/reconstruct.ts';
import { registerTrainCommand } from '../../src-main/cli/commands/train.ts';
import type { SyntheticDataset } from '../fixtures/syntheticBrainDataset.ts';
import { tinyWorkspace } from '../fixtures/tinyWorkspace.ts';
import { writeTinyModels } from '../fixtures/tinyModels.ts';
import { anomap } from './anomapProcess.ts';

let root: string;
let dataset: SyntheticDataset;
let models: string;

beforeAll(async () => {
  await initBackend();
  ({ root, dataset, models } = await tinyWorkspace('anomap-cli-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The help text of one command, from a program built in this process. */
async function helpOf(name: string): Promise<string> {
  const program = new Command('anomap').exitOverride();
  let text = '';
  program.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  registerTrainCommand(program);
  registerReconstructCommand(program);
  registerEvaluateCommand(program);
  for (const command of program.commands)
    command.exitOverride().configureOutput({ writeOut: (s) => (text += s) });
  const error = await program
    .parseAsync(['node', 'anomap', name, '--help'])
    .then(() => null)
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CommanderError);
  expect((error as CommanderError).code).toBe('commander.helpDisplayed');
  return text;
}

describe('anomap --help', () => {
  it('describes train, with its architecture, checkpoint and process options', async () => {
    const text = await helpOf('train');
    expect(text).toMatch(/Usage: anomap train \[options\] <which>/);
    for (const option of [
      '--manifest <csv>',
      '--out <dir>',
      '--work <dir>',
      '--steps <n>',
      '--size <px>',
      '--channels <list>',
      '--attention <flags>',
      '--checkpoint-every <n>',
      '--processes <n>',
      '--ixi-share <x>',
      '--init-from <dir>',
    ])
      expect(text).toContain(option);
  });

  it('describes reconstruct, with L, k, s and the encoding, and its cohort form', async () => {
    const text = await helpOf('reconstruct');
    // Image files, or none for a cohort (--manifest or --library, --shard).
    expect(text).toMatch(/Usage: anomap reconstruct \[options\] \[images\.\.\.\]/);
    for (const option of [
      '--manifest <csv>',
      '--library <dir>',
      '--shard <I/N>',
      '--threads <n>',
      '--out <dir>',
      '--models <dir>',
      '--preset <name>',
      '--noise-level <L>',
      '--stride <k>',
      '--scale <s>',
      '--encoding <how>',
      '--batch <n>',
    ])
      expect(text).toContain(option);
  });

  it('describes evaluate, with the split, calibration split and the unguided ablation', async () => {
    const text = await helpOf('evaluate');
    for (const option of [
      '--manifest <csv>',
      '--split <name>',
      '--calibration-split <name>',
      '--no-unguided',
      '--smoothing <sigma>',
      '--grid <n>',
      '--map-method <how>',
      '--residual <how>',
      '--draws <n>',
      '--image-score <how>',
    ])
      expect(text).toContain(option);
  });

  it('lists every command from the real entry point', async () => {
    const run = await anomap('--help');
    expect(run.code).toBe(0);
    for (const command of [
      'import',
      'train',
      'reconstruct',
      'import-results',
      'evaluate',
      'export',
      'prune',
      'serve',
    ])
      expect(run.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });
});

describe('anomap reconstruct', () => {
  it('writes the reconstruction, map and overview PNGs and results.json', async () => {
    const images = dataset.cases
      .filter((c) => c.split === 'test')
      .slice(0, 2)
      .map((c) => join(dataset.dir, c.image));
    const out = join(root, 'reconstructed');
    const run = await anomap('reconstruct', ...images, '--out', out, '--models', models);
    expect(run.stderr).not.toMatch(/anomap: /);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/2 slice\(s\) in .* L=20 k=10 s=5 ddim/);
    for (const image of images) {
      const stem = image
        .split('/')
        .pop()!
        .replace(/\.png$/, '');
      const reconstruction = await sharp(join(out, `${stem}.reconstruction.png`)).metadata();
      expect(reconstruction).toMatchObject({ width: 32, height: 32, depth: 'ushort' });
      expect((await sharp(join(out, `${stem}.map.png`)).metadata()).width).toBe(32);
      expect((await sharp(join(out, `${stem}.png`)).metadata()).width).toBe(3 * 32 * 3);
    }
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
    expect(results.settings).toMatchObject({
      noiseLevel: 20,
      stride: 10,
      guidanceScale: 5,
      encoding: 'ddim',
    });
    expect(results.preset).toBe('tiny-test');
    expect(results.results).toHaveLength(2);
    expect(results.results[0].image).toBe(images[0]);
    expect(results.results[0].score).toBeGreaterThan(0);
    expect(results.results[0].transform).toMatchObject({ width: 48, height: 40, size: 32 });
  });

  it('takes the map method and stores it with the settings', async () => {
    const image = join(dataset.dir, dataset.cases.find((c) => c.split === 'test')!.image);
    const out = join(root, 'stitched');
    const run = await anomap(
      'reconstruct',
      image,
      ...['--out', out, '--models', models, '--encoding', 'noise'],
      ...['--map-method', 'stitch', '--draws', '2', '--residual', 'l1-ssim'],
    );
    expect(run.stderr).not.toMatch(/anomap: /);
    expect(run.code).toBe(0);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
    expect(results.settings).toMatchObject({
      encoding: 'noise',
      mapMethod: 'stitch',
      noiseDraws: 2,
      residual: 'l1-ssim',
    });
    const refused = await anomap('reconstruct', image, '--out', out, '--map-method', 'magic');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/"magic" is not one of reconstruction, stitch/);
  });

  it('exits with 1 and names a missing file', async () => {
    const missing = join(root, 'no-such-slice.png');
    const run = await anomap('reconstruct', missing, '--out', join(root, 'o1'), '--models', models);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`anomap: ${missing}: cannot read the image`);
    expect(existsSync(join(root, 'o1', 'results.json'))).toBe(false);
  });

  it('exits with 1 and names a file that is not an image', async () => {
    const fake = join(root, 'x.png');
    await writeFile(fake, 'this is text, not a PNG\n');
    const run = await anomap('reconstruct', fake, '--out', join(root, 'o2'), '--models', models);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${fake}: cannot read the image`);
  });

  it('exits with 1 and says what is wrong with a corrupt or mismatched models folder', async () => {
    const image = join(dataset.dir, dataset.cases[0].image);
    const corrupt = join(root, 'corrupt-models');
    await writeTinyModels(corrupt);
    const weights = join(corrupt, 'diffusion', 'weights.bin');
    const bytes = await readFile(weights);
    bytes[100] ^= 0xff;
    await writeFile(weights, bytes);
    const broken = await anomap(
      'reconstruct',
      image,
      '--out',
      join(root, 'o3'),
      '--models',
      corrupt,
    );
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`${weights}: checksum does not match its manifest`);

    const mismatched = join(root, 'mismatched-models');
    await writeTinyModels(mismatched, { preset: { imageSize: 64 } });
    const wrongSize = await anomap(
      'reconstruct',
      image,
      '--out',
      join(root, 'o4'),
      '--models',
      mismatched,
    );
    expect(wrongSize.code).toBe(1);
    expect(wrongSize.stderr).toMatch(/preset\.json: preset is for 64 px, the models for 32 px/);

    const empty = await anomap(
      'reconstruct',
      image,
      '--out',
      join(root, 'o5'),
      '--models',
      join(root, 'nowhere'),
    );
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(
      /nowhere\/diffusion\/manifest\.json: cannot read the model manifest/,
    );
  });

  it('refuses an unknown encoding or preset before doing any work', async () => {
    const image = join(dataset.dir, dataset.cases[0].image);
    const run = await anomap(
      'reconstruct',
      image,
      '--out',
      join(root, 'o6'),
      '--models',
      models,
      '--encoding',
      'magic',
    );
    expect(run.code).toBe(1);
    // Checked by the api's settings schema, as a job's settings are.
    expect(run.stderr).toMatch(
      /--encoding "magic": Invalid option: expected one of "ddim"\|"noise"/,
    );
    expect(run.stderr).not.toMatch(/backend:/);
  });
});

describe('anomap evaluate', () => {
  it('writes metrics.json with every metric for guided and unguided, and the example grid', async () => {
    const out = join(root, 'evaluation');
    const run = await anomap(
      'evaluate',
      '--manifest',
      dataset.manifestPath,
      '--out',
      out,
      '--models',
      models,
    );
    expect(run.stderr).not.toMatch(/anomap: /);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/guided s=5\s+unguided s=0/);
    // Each headline metric with its 95% interval, guided then unguided.
    const withInterval = String.raw`\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]`;
    expect(run.stdout).toMatch(new RegExp(`^lab F1\\s+${withInterval}\\s+${withInterval}$`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^sensitivity\\s+${withInterval} \\d/3\\s`, 'm'));
    expect(run.stdout).toMatch(/^map units: .*lab F1 on map x 0\.5/m);
    expect(run.stdout).toMatch(/^ {2}mass\s+\d\.\d\d \(\d\/3 \d+\)\s+\d\.\d\d/m);
    const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.split).toBe('test');
    expect(metrics.cases).toEqual({ total: 6, healthy: 3, pathological: 3 });
    for (const variant of [metrics.guided, metrics.unguided]) {
      for (const field of [
        'imageAuroc',
        'imageAuprc',
        'pixelAuprc',
        'bestDice',
        'courseF1',
        'labF1',
      ])
        expect(typeof variant[field], field).toBe('number');
      expect(Object.keys(variant.perFinding).sort()).toEqual(['edema', 'mass']);
      expect(Object.keys(variant.labPerFinding).sort()).toEqual(['edema', 'mass']);
    }
    expect(metrics.unguided.settings.guidanceScale).toBe(0);
    expect(metrics.scores).toHaveLength(6);
    expect(existsSync(join(out, 'grid.png'))).toBe(true);
    expect(metrics.guided.intervals95.labF1.low).toBeLessThanOrEqual(metrics.guided.labF1);
    expect(
      metrics.guided.imageVerdict.truePositives + metrics.guided.imageVerdict.falseNegatives,
    ).toBe(3);
  });

  it("writes the verdict's measured sensitivity and specificity into the preset it evaluated", async () => {
    const copy = join(root, 'models-verdict');
    await cp(models, copy, { recursive: true });
    const calibrated = await anomap(
      'calibrate',
      '--manifest',
      dataset.manifestPath,
      '--models',
      copy,
      '--write-preset',
    );
    expect(calibrated.code).toBe(0);
    const common = [
      'evaluate',
      '--manifest',
      dataset.manifestPath,
      '--out',
      join(root, 'ev2'),
      '--models',
      copy,
      '--no-unguided',
      '--bootstrap',
      '200',
    ];
    const refused = await anomap(...common, '--scale', '0', '--write-verdict');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/measures the preset as it is/);
    const run = await anomap(...common, '--write-verdict');
    expect(run.code).toBe(0);
    const preset = JSON.parse(await readFile(join(copy, 'preset.json'), 'utf8'));
    const metrics = JSON.parse(await readFile(join(root, 'ev2', 'metrics.json'), 'utf8'));
    const verdict = metrics.guided.imageVerdict;
    expect(preset.verdictPerformance.sensitivity).toMatchObject({
      value: verdict.sensitivity,
      n: 3,
      set: 'test split, pathological images',
    });
    expect(preset.verdictPerformance.specificity.n).toBe(3);
    expect(preset.verdictPerformance.specificity.low).toBeLessThanOrEqual(verdict.specificity);
  });
});

describe('anomap train', () => {
  /** A network small enough to train a step in seconds: batch 2, 32 px, channels 8 and 16. */
  const TINY_TRAINING = [
    '--batch',
    '2',
    '--size',
    '32',
    '--channels',
    '8,16',
    '--attention',
    '0,1',
  ];

  it('refuses a number of processes other than 1 or 2 instead of training with 1', async () => {
    const out = join(root, 'three-processes');
    for (const count of ['3', '0']) {
      const run = await anomap(
        'train',
        'diffusion',
        '--manifest',
        dataset.manifestPath,
        '--out',
        out,
        '--steps',
        '1',
        '--processes',
        count,
        ...TINY_TRAINING,
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `option '--processes <n>' argument '${count}' is invalid. "${count}" engine processes: training runs with 1 or 2`,
      );
      expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    }
  });

  it('trains a tiny diffusion model and reports the steps', async () => {
    const out = join(root, 'trained');
    const run = await anomap(
      'train',
      'diffusion',
      '--manifest',
      dataset.manifestPath,
      '--out',
      out,
      '--steps',
      '2',
      ...TINY_TRAINING,
      '--checkpoint-every',
      '1',
    );
    expect(run.stderr).not.toMatch(/anomap: /);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/trained diffusion: 2 steps \(resumed from 0\)/);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.architecture).toEqual({
      imageSize: 32,
      channels: [8, 16],
      resBlocks: 1,
      attention: [false, true],
      // Not asked for, but recorded: the groups in effect (8, as 8 channels do not allow 32).
      groups: 8,
    });
    expect(existsSync(join(`${out}.work`, 'checkpoint', 'state.json'))).toBe(true);
  });

  it("trains from a library's labelled studies, written as a manifest without val or test", async () => {
    const library = join(root, 'library');
    const imported = await anomap('import', '--library', library, dataset.manifestPath);
    expect(imported.code, imported.stderr).toBe(0);
    const out = join(root, 'trained-from-library');
    const run = await anomap(
      'train',
      'diffusion',
      '--library',
      library,
      '--out',
      out,
      '--steps',
      '1',
      ...TINY_TRAINING,
    );
    expect(run.stderr).not.toMatch(/anomap: /);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/trained diffusion: 1 steps/);
    const written = await readFile(join(library, 'datasets', 'cli-train', 'manifest.csv'), 'utf8');
    const splits = new Set(
      written
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(',')[2]),
    );
    expect(splits).toEqual(new Set(['train', 'classifier_train']));
    const both = await anomap(
      'train',
      'diffusion',
      '--library',
      library,
      '--manifest',
      dataset.manifestPath,
      '--out',
      join(root, 't4'),
    );
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/--manifest CSV or as --library DIR \(one of them\)/);
  });

  it('exits with 1 for an unknown model kind or a bad option value', async () => {
    const bad = await anomap(
      'train',
      'unet',
      '--manifest',
      dataset.manifestPath,
      '--out',
      join(root, 't2'),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/train what\? expected diffusion or classifier, got "unet"/);
    const badFlags = await anomap(
      'train',
      'diffusion',
      '--manifest',
      dataset.manifestPath,
      '--out',
      join(root, 't3'),
      '--attention',
      '0,2',
    );
    expect(badFlags.code).not.toBe(0);
    expect(badFlags.stderr).toMatch(/must be a list of 0 and 1/);
  });
});
