/**
 * Engine benchmark: UNet forward, train step, guided reconstruction, FLOPs and GFLOP/s, peak RSS
 * and tensor counts, per backend present; compared with the PyTorch peer in
 * ../shared/bench/torch_reference.py when Debian's python3-torch is installed.
 * Writes bench/results/engine.json. Never asserts on time.
 *
 *   npm run bench [-- --backends wasm,cpu --quick]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../src-main/engine/backend.ts';
import { createModelParams, saveModel, type Model } from '../src-main/engine/models.ts';
import { forwardFlops } from '../src-main/engine/nn/flops.ts';
import { noiseModel, type UNetConfig } from '../src-main/engine/nn/unet.ts';
import { disposeModels, loadModels, reconstruct } from '../src-main/engine/pipeline.ts';
import { PREPROCESSING } from '../src-main/engine/preprocessing.ts';
import { fallbackPreset, readPreset, type Preset } from '../src-main/engine/preset.ts';
import { Adam } from '../src-main/engine/train/adam.ts';
import { computeGradients } from '../src-main/engine/train/objectives.ts';
import { batchGradients, GradientWorker } from '../src-main/engine/train/trainer.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const value = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

/** The seed's architecture, the same flags the PyTorch peer uses by default. */
const config: UNetConfig = {
  imageSize: 64,
  channels: [64, 64, 64],
  resBlocks: 1,
  attention: [false, false, true],
};
const BATCH = 8;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function timeMs(fn: () => Promise<void>, runs: number): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

function model(kind: 'diffusion' | 'classifier'): Model {
  const params = createModelParams(kind, config, kind === 'diffusion' ? 1 : 2);
  return { kind, config, params, manifest: {} as Model['manifest'] };
}

/** Writes random-weight models of the benchmark architecture so the pipeline can load them. */
async function writeModels(dir: string, preset: Preset): Promise<void> {
  for (const kind of ['diffusion', 'classifier'] as const) {
    const m = model(kind);
    m.manifest = {
      format: 'anomap-model',
      formatVersion: 1,
      kind,
      architecture: config,
      preprocessing: { ...PREPROCESSING, imageSize: 64 },
      schedule: { steps: 1000, betaStart: 1e-4, betaEnd: 0.02 },
      training: { note: 'random weights for the benchmark' },
    };
    await saveModel(join(dir, kind), m);
    m.params.dispose();
  }
  await writeFile(join(dir, 'preset.json'), JSON.stringify({ ...preset, imageSize: 64 }));
}

/** Seconds per slice of a guided reconstruction through the pipeline (guidance in a second process). */
async function reconstructionSeconds(
  modelsDir: string,
  settings: {
    noiseLevel: number;
    stride: number;
    guidanceScale: number;
    encoding: 'ddim' | 'noise';
  },
  slices: number,
  parallel = true,
) {
  const models = await loadModels(modelsDir);
  const input = Array.from({ length: slices }, () => ({
    size: 64,
    pixels: Float32Array.from({ length: 4096 }, () => Math.random() * 2 - 1),
  }));
  const t0 = performance.now();
  await reconstruct(models, input, { settings, parallel, batchSize: 8 });
  const seconds = (performance.now() - t0) / 1000 / slices;
  disposeModels(models);
  return seconds;
}

async function benchBackend(
  name: BackendName,
  preset: { noiseLevel: number; stride: number; guidanceScale: number; encoding: 'ddim' | 'noise' },
) {
  const report = await initBackend({ prefer: name });
  const quick = flag('quick') || name === 'cpu';
  const runs = quick ? 1 : 5;
  const unet = model('diffusion');
  const tensorsBefore = tf.memory().numTensors;
  const x1 = tf.randomNormal([1, 64, 64, 1]) as tf.Tensor4D;
  const x8 = tf.randomNormal([BATCH, 64, 64, 1]) as tf.Tensor4D;
  const forward = (x: tf.Tensor4D) => async () => {
    const y = tf.tidy(() =>
      noiseModel(unet.params, config, x, tf.fill([x.shape[0]], 500) as tf.Tensor1D),
    );
    await y.data();
    y.dispose();
  };
  const forward1 = await timeMs(forward(x1), runs);
  const forward8 = await timeMs(forward(x8), runs);
  const adam = new Adam(1e-4);
  const batch = {
    size: 64,
    noisy: Float32Array.from({ length: BATCH * 4096 }, () => Math.random()),
    noise: Float32Array.from({ length: BATCH * 4096 }, () => Math.random()),
    timesteps: Array.from({ length: BATCH }, (_, i) => i * 100),
    labels: null,
  };
  const trainStep = await timeMs(async () => {
    const { gradients } = await computeGradients('diffusion', unet.params, config, batch);
    adam.applyArrays(unet.params, gradients);
  }, runs);
  // The same step with the batch split over this process and a gradient worker (--processes 2).
  const worker = await GradientWorker.start('diffusion', config);
  const trainStepTwoProcesses = await timeMs(async () => {
    const { gradients } = await batchGradients('diffusion', unet.params, config, batch, worker);
    adam.applyArrays(unet.params, gradients);
  }, runs);
  worker.stop();
  const flops = forwardFlops(config);
  const result: Record<string, unknown> = {
    backend: report.name,
    reason: report.reason,
    threads: report.threads,
    unetForwardMs: { batch1: round(forward1), batch8: round(forward8) },
    trainStepMs: { batch8: round(trainStep), batch8TwoProcesses: round(trainStepTwoProcesses) },
    flopsPerForward: flops,
    achievedGflops: {
      forwardBatch8: round((flops * BATCH) / (forward8 / 1000) / 1e9),
      trainStepBatch8: round((3 * flops * BATCH) / (trainStep / 1000) / 1e9),
    },
  };
  if (!quick || flag('reconstruct-cpu')) {
    const dir = await mkdtemp(join(tmpdir(), 'anomap-bench-'));
    await writeModels(dir, { ...fallbackPreset, ...preset });
    const ddim = { ...preset, encoding: 'ddim' as const };
    const l200 = { noiseLevel: 200, stride: 1, guidanceScale: 3, encoding: 'ddim' as const };
    result.guidedReconstructionSecondsPerSlice = {
      note: 'the PyTorch peer always encodes by DDIM inversion: compare the ddim rows with it',
      presetShipped: {
        ...preset,
        slices: 1,
        seconds: round(await reconstructionSeconds(dir, preset, 1)),
      },
      presetDdim: { ...ddim, slices: 1, seconds: round(await reconstructionSeconds(dir, ddim, 1)) },
      presetDdimOneProcess: {
        ...ddim,
        slices: 1,
        seconds: round(await reconstructionSeconds(dir, ddim, 1, false)),
      },
      presetDdimBatch8: {
        ...ddim,
        slices: 8,
        seconds: round(await reconstructionSeconds(dir, ddim, 8)),
      },
      L200k1: { ...l200, slices: 1, seconds: round(await reconstructionSeconds(dir, l200, 1)) },
    };
    await rm(dir, { recursive: true, force: true });
  } else {
    result.guidedReconstructionSecondsPerSlice = `not measured on ${name}: a single reconstruction takes hours on this backend (pass --reconstruct-cpu to force)`;
  }
  x1.dispose();
  x8.dispose();
  adam.dispose();
  unet.params.dispose();
  result.tensors = { before: tensorsBefore, after: tf.memory().numTensors };
  result.peakRssMb = round(process.resourceUsage().maxRSS / 1024);
  return result;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Peak RSS of a fresh process reconstructing 8 slices at 64 px at the preset. */
function rssOfEightSliceReconstruction(backend: string): number | null {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--child-rss', '--backends', backend],
    { cwd: root, encoding: 'utf8', env: { ...process.env, ANOMAP_BACKEND: backend } },
  );
  const line = run.stdout.trim().split('\n').pop() ?? '';
  return line.startsWith('{') ? (JSON.parse(line) as { peakRssMb: number }).peakRssMb : null;
}

function torchPeer(noiseLevel: number, stride: number): Record<string, unknown> | null {
  const script = join(root, '..', 'shared', 'bench', 'torch_reference.py');
  if (!existsSync(script) || !existsSync('/usr/bin/python3')) return null;
  try {
    const out = execFileSync(
      '/usr/bin/python3',
      [
        script,
        '--noise-level',
        String(noiseLevel),
        '--stride',
        String(stride),
        '--threads',
        '2',
        '--batch',
        String(BATCH),
      ],
      { encoding: 'utf8', timeout: 1_800_000 },
    );
    return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0] };
  }
}

async function main() {
  const presetPath = join(root, 'models', 'preset.json');
  const shipped = existsSync(presetPath) ? await readPreset(presetPath) : fallbackPreset;
  const preset = {
    noiseLevel: shipped.noiseLevel,
    stride: shipped.stride,
    guidanceScale: shipped.guidanceScale,
    encoding: shipped.encoding,
  };
  if (flag('child-rss')) {
    await initBackend();
    const dir = await mkdtemp(join(tmpdir(), 'anomap-bench-'));
    await writeModels(dir, { ...fallbackPreset, ...preset });
    await reconstructionSeconds(dir, preset, 8);
    await rm(dir, { recursive: true, force: true });
    console.log(JSON.stringify({ peakRssMb: round(process.resourceUsage().maxRSS / 1024) }));
    return;
  }
  const backends = value('backends', 'wasm').split(',') as BackendName[];
  const results: Record<string, unknown>[] = [];
  for (const name of backends) {
    // One backend per process: tfjs keeps its kernels registered per backend.
    if (backends.length > 1) {
      const run = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          fileURLToPath(import.meta.url),
          '--backends',
          name,
          '--single',
          ...(flag('quick') ? ['--quick'] : []),
        ],
        { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      results.push(JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, unknown>);
      continue;
    }
    const r = await benchBackend(name, preset);
    r.peakRssMbReconstructing8Slices = name === 'cpu' ? null : rssOfEightSliceReconstruction(name);
    results.push(r);
  }
  if (flag('single')) {
    console.log(JSON.stringify(results[0]));
    return;
  }
  const torch = flag('no-torch')
    ? null
    : { L200k1: torchPeer(200, 1), preset: torchPeer(preset.noiseLevel, preset.stride) };
  const output = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    architecture: config,
    shippedPreset: preset,
    results,
    torch,
  };
  await mkdir(join(here, 'results'), { recursive: true });
  await writeFile(join(here, 'results', 'engine.json'), JSON.stringify(output, null, 2) + '\n');
  console.log(JSON.stringify(output, null, 2));
}

await main();
