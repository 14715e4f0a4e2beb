/**
 * Time per slice of the shipped default against the previous default (the L 200 + 50 ensemble at
 * stride 10), last round's guided preset (s = 60, L 100, one level, raw map) and its unguided
 * ablation, interleaved (A, B, C, A, B, C...) in one process on
 * the same 8 slices, so that a busy machine slows all of them alike: medians, spread and the
 * ratios to the guided preset, whose idle time was measured last round (1.36 s per slice).
 * Slices: the first 8 val images of brain-mid (the bench needs the data set).
 * Writes bench/results/preset-time.json (or BENCH_OUT).
 *
 *   npx tsx bench/presetTime.bench.ts [--rounds 3] [--manifest ../shared/data/brain-mid/manifest.csv]
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  backendReport,
  initBackend,
  loadModels,
  readDatasetManifest,
  reconstruct,
} from '../src-main/engine/index.ts';
import { prepareCases } from '../src-main/engine/train/dataset.ts';
import type { ReconstructionSettings } from '../src-main/contract/index.ts';

const argument = (name: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const rounds = Number(argument('--rounds') ?? 3);
const manifest = resolve(argument('--manifest') ?? '../shared/data/brain-mid/manifest.csv');
const out = process.env.BENCH_OUT ?? join(import.meta.dirname, 'results', 'preset-time.json');
const SLICES = 8;

const variants: Record<string, Partial<ReconstructionSettings>> = {
  default: {},
  // the raw map (the shipped healthy residual holds only for the default's settings); dividing
  // by it costs one pass over 4,096 pixels
  'previous default (L 200 + 50, k 10)': {
    noiseLevel: 200,
    noiseLevels: [200, 50],
    stride: 10,
    mapNormalisation: 'none',
  },
  'guided s=60 L100 (last round)': {
    guidanceScale: 60,
    noiseLevel: 100,
    noiseLevels: [100],
    stride: 10,
    mapNormalisation: 'none',
  },
  'unguided L100 (its ablation)': {
    guidanceScale: 0,
    noiseLevel: 100,
    noiseLevels: [100],
    stride: 10,
    mapNormalisation: 'none',
  },
};

if (!existsSync(manifest)) throw new Error(`${manifest}: not found (give --manifest)`);
await initBackend();
const models = await loadModels(join(import.meta.dirname, '..', 'models'));
const size = models.diffusion.config.imageSize;
const cases = (await readDatasetManifest(manifest)).filter((c) => c.split === 'val');
const slices = (await prepareCases(cases.slice(0, SLICES), size)).map((c) => ({
  size,
  pixels: c.pixels,
}));

const seconds: Record<string, number[]> = Object.fromEntries(
  Object.keys(variants).map((v) => [v, []]),
);
for (let round = -1; round < rounds; round++)
  for (const [name, settings] of Object.entries(variants)) {
    const started = performance.now();
    await reconstruct(models, slices, { settings, batchSize: SLICES });
    const perSlice = (performance.now() - started) / 1000 / SLICES;
    if (round >= 0) seconds[name].push(perSlice); // round -1 warms up
    console.log(`${name}: ${perSlice.toFixed(2)} s/slice${round < 0 ? ' (warm-up)' : ''}`);
  }

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const guided = 'guided s=60 L100 (last round)';
const result = {
  date: new Date().toISOString(),
  backend: backendReport(),
  cpus: cpus().length,
  slices: `${SLICES} val images of ${manifest}`,
  rounds,
  variants: Object.fromEntries(
    Object.keys(variants).map((name) => {
      const ratios = seconds[name].map((s, r) => s / seconds[guided][r]);
      return [
        name,
        {
          settings: variants[name],
          secondsPerSlice: seconds[name],
          median: median(seconds[name]),
          min: Math.min(...seconds[name]),
          max: Math.max(...seconds[name]),
          ratioToGuided: {
            median: median(ratios),
            min: Math.min(...ratios),
            max: Math.max(...ratios),
          },
          idleEstimate: median(ratios) * 1.36,
        },
      ];
    }),
  ),
};
await mkdir(dirname(out), { recursive: true });
await writeFile(out, JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result.variants, null, 2));
