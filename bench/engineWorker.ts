/**
 * One contender of the interleaved engine benchmark: a long-lived engine process on the backend
 * ANOMAP_BACKEND names, answering one measurement at a time. Requests are JSON lines on stdin;
 * each answer is one stdout line starting with REPLY_PREFIX (other stdout lines, e.g. from the
 * guidance process that inherits stdout, are not answers). Times are taken in this process.
 *
 *   {"type":"init","config":{...},"preset":{...}}  -> ready: backend report, parameter counts
 *   {"type":"measure","measure":"forwardBatch8"}    -> time: milliseconds, live tensors after
 *   {"type":"finish"}                               -> finished: tensors before / after, peak RSS
 *                                                      (its own and its largest child's)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendReport } from '../src-main/engine/backend.ts';
import { createModelParams, saveModel, untrainedModel } from '../src-main/engine/models.ts';
import type { UNetConfig } from '../src-main/engine/nn/unet.ts';
import { noiseModel } from '../src-main/engine/nn/unet.ts';
import {
  disposeModels,
  loadModels,
  reconstruct,
  type LoadedModels,
} from '../src-main/engine/pipeline.ts';
import { fallbackPreset } from '../src-main/engine/preset.ts';
import { Adam } from '../src-main/engine/train/adam.ts';
import { computeGradients, type NoisedBatch } from '../src-main/engine/train/objectives.ts';
import type { ParamStore } from '../src-main/engine/nn/params.ts';
import { BATCH, REPLY_PREFIX, type MeasureId } from './interleave.ts';

export interface BenchPreset {
  noiseLevel: number;
  stride: number;
  guidanceScale: number;
  encoding: 'ddim' | 'noise';
}

export type WorkerRequest =
  | { type: 'init'; config: UNetConfig; preset: BenchPreset }
  | { type: 'measure'; measure: MeasureId }
  | { type: 'finish' };

/** The fixed inputs and state every measurement of this process reuses. */
interface Bench {
  report: BackendReport;
  config: UNetConfig;
  preset: BenchPreset;
  dir: string;
  models: LoadedModels;
  trained: ParamStore;
  adam: Adam;
  x1: tf.Tensor4D;
  x8: tf.Tensor4D;
  trainBatch: NoisedBatch;
  slices: { size: number; pixels: Float32Array }[];
  tensorsBefore: number;
}

const randomArray = (length: number) => Float32Array.from({ length }, () => Math.random() * 2 - 1);

/** Random-weight models of the benchmark architecture, written so the pipeline loads them. */
async function writeModels(dir: string, config: UNetConfig, preset: BenchPreset): Promise<void> {
  for (const kind of ['diffusion', 'classifier'] as const) {
    const model = untrainedModel(kind, config, kind === 'diffusion' ? 1 : 2, {
      note: 'random weights for the benchmark',
    });
    await saveModel(join(dir, kind), model);
    model.params.dispose();
  }
  const presetFile = { ...fallbackPreset, ...preset, imageSize: config.imageSize };
  await writeFile(join(dir, 'preset.json'), JSON.stringify(presetFile));
}

async function init(config: UNetConfig, preset: BenchPreset): Promise<Bench> {
  const report = await initBackend();
  const tensorsBefore = tf.memory().numTensors;
  const dir = await mkdtemp(join(tmpdir(), 'anomap-bench-'));
  await writeModels(dir, config, preset);
  const size = config.imageSize;
  return {
    report,
    config,
    preset,
    dir,
    models: await loadModels(dir),
    trained: createModelParams('diffusion', config, 3),
    adam: new Adam(1e-4),
    x1: tf.randomNormal([1, size, size, 1]),
    x8: tf.randomNormal([BATCH, size, size, 1]),
    trainBatch: {
      size,
      noisy: randomArray(BATCH * size * size),
      noise: randomArray(BATCH * size * size),
      timesteps: Array.from({ length: BATCH }, (_, i) => i * 100),
      labels: null,
    },
    slices: Array.from({ length: BATCH }, () => ({ size, pixels: randomArray(size * size) })),
    tensorsBefore,
  };
}

async function forward(bench: Bench, x: tf.Tensor4D): Promise<void> {
  const eps = tf.tidy(() =>
    noiseModel(bench.models.diffusion.params, bench.config, x, tf.fill([x.shape[0]], 500)),
  );
  await eps.data();
  eps.dispose();
}

/** The product's train step (trainer.ts with one process): gradients as arrays, then Adam. */
async function trainStep(bench: Bench): Promise<void> {
  const { gradients } = await computeGradients(
    'diffusion',
    bench.trained,
    bench.config,
    bench.trainBatch,
  );
  bench.adam.applyArrays(bench.trained, gradients);
}

/** The pipeline's reconstruction: guidance in-process on tensorflow, in a second process on wasm. */
async function reconstruction(bench: Bench, encoding: 'ddim' | 'noise'): Promise<void> {
  const { noiseLevel, stride, guidanceScale } = bench.preset;
  await reconstruct(bench.models, bench.slices, {
    settings: { noiseLevel, stride, guidanceScale, encoding },
    batchSize: BATCH,
  });
}

const run: Record<MeasureId, (bench: Bench) => Promise<void>> = {
  forwardBatch1: (bench) => forward(bench, bench.x1),
  forwardBatch8: (bench) => forward(bench, bench.x8),
  trainStepBatch8: trainStep,
  reconstructDdimBatch8: (bench) => reconstruction(bench, 'ddim'),
  reconstructNoiseBatch8: (bench) => reconstruction(bench, 'noise'),
};

/**
 * The largest peak RSS (VmHWM) seen in this process's child processes: wasm's guidance process.
 * Sampled while a measurement runs, since a child's own peak is gone once it exits; Linux only
 * (/proc/PID/task/TID/children), null elsewhere or when no child ran.
 */
let childPeakKilobytes: number | null = null;

function sampleChildren(): void {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${process.pid}/task`);
  } catch {
    return;
  }
  for (const task of tasks) {
    let children: string[];
    try {
      children = readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8')
        .split(' ')
        .filter((pid) => /^\d+$/.test(pid));
    } catch {
      continue;
    }
    for (const pid of children) {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const peak = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
        if (Number.isFinite(peak)) childPeakKilobytes = Math.max(childPeakKilobytes ?? 0, peak);
      } catch {
        // The child exited between the listing and the read.
      }
    }
  }
}

async function finish(bench: Bench) {
  disposeModels(bench.models);
  bench.trained.dispose();
  bench.adam.dispose();
  bench.x1.dispose();
  bench.x8.dispose();
  await rm(bench.dir, { recursive: true, force: true });
  return {
    type: 'finished',
    tensorsBefore: bench.tensorsBefore,
    tensorsAfter: tf.memory().numTensors,
    peakRssMegabytes: process.resourceUsage().maxRSS / 1024,
    childPeakRssMegabytes: childPeakKilobytes === null ? null : childPeakKilobytes / 1024,
  };
}

async function answer(bench: Bench | null, request: WorkerRequest) {
  if (request.type === 'init') return init(request.config, request.preset);
  if (!bench) throw new Error(`'${request.type}' before 'init'`);
  if (request.type === 'finish') return finish(bench);
  const measurement = run[request.measure];
  if (!measurement) throw new Error(`unknown measure '${request.measure}'`);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const sampler = setInterval(sampleChildren, 50);
  try {
    await measurement(bench);
  } finally {
    clearInterval(sampler);
  }
  const milliseconds = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    type: 'time',
    milliseconds,
    // CPU time of this process's threads (not of the wasm guidance process): cores kept busy.
    cpuMilliseconds: (used.user + used.system) / 1000,
    tensors: tf.memory().numTensors,
  };
}

async function serve(): Promise<void> {
  let bench: Bench | null = null;
  const reply = (message: object) =>
    process.stdout.write(REPLY_PREFIX + JSON.stringify(message) + '\n');
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    try {
      const request = JSON.parse(line) as WorkerRequest;
      const result = await answer(bench, request);
      if (request.type === 'init') {
        bench = result as Bench;
        reply({
          type: 'ready',
          backend: bench.report,
          parameters: {
            unet: bench.models.diffusion.params.count(),
            classifier: bench.models.classifier?.params.count() ?? 0,
          },
        });
      } else reply(result);
      if (request.type === 'finish') break;
    } catch (error) {
      reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  }
}

await serve();
