import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend.ts';
import { forkEngineProcess, siblingModule } from '../engineProcess.ts';
import {
  readWeights,
  saveModel,
  createModelParams,
  type Model,
  type ModelManifest,
} from '../models.ts';
import type { ParamStore } from '../nn/params.ts';
import { gaussian, mulberry32 } from '../random.ts';
import { groupsFor, type UNetConfig } from '../nn/unet.ts';
import { linearSchedule, type Schedule } from '../diffusion/schedule.ts';
import { ProgressTracker } from '../progress.ts';
import type { JobControl } from '../types.ts';
import { Adam } from './adam.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import {
  LOG_FILE,
  SUMMARY_EVERY,
  recordedSeconds,
  summariseTraining,
  writeTrainingSummary,
} from './trainingSummary.ts';
import { copyWeights, updateEma } from './ema.ts';
import { computeGradients, type NoisedBatch, type Objective } from './objectives.ts';
import type { CleanBatch } from './samplers.ts';
import type { WorkerReply, WorkerRequest } from './gradientWorker.ts';

export interface TrainingOptions {
  objective: Objective;
  config: UNetConfig;
  steps: number;
  batchSize: number;
  learningRate: number;
  emaDecay: number;
  checkpointEvery: number;
  seed: number;
  /** Timesteps are drawn from [0, maxTimestep); the classifier only needs the guided range. */
  maxTimestep: number;
  /** 2 splits every batch between this process and a gradient worker (single-threaded backends). */
  processes: 1 | 2;
  /** Folder for the checkpoint and the loss log; a run with a checkpoint there resumes. */
  workDir: string;
  /** Where the finished model (EMA weights + manifest) is written. */
  outDir: string;
  /** Recorded in the manifest: what the model was trained on. */
  trainingData: Record<string, unknown>;
  preprocessing: ModelManifest['preprocessing'];
  /** Weights to start from (e.g. the classifier from the diffusion UNet's encoder). */
  initialWeights?: Map<string, { shape: number[]; values: Float32Array }>;
}

export interface TrainingSummary {
  steps: number;
  wallSeconds: number;
  finalLoss: number;
  backend: string;
  resumedFrom: number;
  model: Model;
}

/** Identifies the options that must not change across a resume. */
function optionsKey(o: TrainingOptions): string {
  const fixed = {
    ...o,
    steps: undefined,
    workDir: undefined,
    outDir: undefined,
    initialWeights: undefined,
    processes: undefined,
    trainingData: undefined,
  };
  return createHash('sha256').update(JSON.stringify(fixed)).digest('hex').slice(0, 16);
}

/** What one run carries from step to step, into its checkpoints and into the finished model. */
interface TrainingRun {
  options: TrainingOptions;
  backendName: string;
  schedule: Schedule;
  params: ParamStore;
  ema: ParamStore;
  adam: Adam;
  optionsKey: string;
  resumedFrom: number;
  step: number;
  losses: number[];
  /** The seconds at each window's end, for WORK/summary.json: earlier runs', then this one's. */
  secondsAt: Map<number, number>;
  worker: GradientWorker | null;
  tracker: ProgressTracker;
  log: string;
  wallSeconds: () => number;
}

/**
 * The training loop shared by the diffusion model and the classifier: seeded batches (so a
 * resumed run draws what the killed one would have), Adam, EMA, checkpoints every N steps,
 * progress with ETA, cancel between steps (the checkpoint is kept, no model is written).
 */
export async function train(
  options: TrainingOptions,
  sample: (batchSize: number, random: () => number) => CleanBatch,
  control: JobControl = {},
): Promise<TrainingSummary> {
  const run = await startRun(options, control);
  try {
    while (run.step < options.steps) {
      await run.tracker.checkpoint().catch(async (error) => {
        await checkpointRun(run);
        throw error;
      });
      await trainStep(run, sample);
    }
  } catch (error) {
    releaseRun(run, error);
  } finally {
    run.worker?.stop();
  }
  return finishRun(run);
}

/** Sets up the weights, the optimiser and the worker, resuming from WORK's checkpoint if any. */
async function startRun(options: TrainingOptions, control: JobControl): Promise<TrainingRun> {
  const backend = await initBackend();
  await mkdir(options.workDir, { recursive: true });
  const params = createModelParams(options.objective, options.config, options.seed);
  if (options.initialWeights) assignMatching(params, options.initialWeights);
  const ema = createModelParams(options.objective, options.config, options.seed);
  copyWeights(params, ema);
  const adam = new Adam(options.learningRate);
  const key = optionsKey(options);
  const release = (error: unknown): never => releaseRun({ params, ema, adam }, error);
  const resumed = await loadCheckpoint(options.workDir, { params, ema, adam }).catch(release);
  if (resumed && resumed.optionsKey !== key)
    release(
      new Error(
        `${options.workDir}: its checkpoint was made with other training options; use a new folder`,
      ),
    );
  const step = resumed?.step ?? 0;
  const wallBefore = resumed?.wallSeconds ?? 0;
  const started = performance.now();
  // A second process exists to use the second core that single-threaded wasm leaves idle; the
  // native library already uses every core, and a worker would only add copying.
  const worker =
    options.processes === 2 && backend.name !== 'tensorflow'
      ? await GradientWorker.start(options.objective, options.config).catch(release)
      : null;
  const tracker = new ProgressTracker(
    control,
    `train ${options.objective}`,
    options.steps - step,
    'training',
  );
  const secondsAt = await recordedSeconds(options.workDir).catch(release);
  return {
    options,
    backendName: backend.name,
    schedule: linearSchedule(),
    params,
    ema,
    adam,
    optionsKey: key,
    resumedFrom: step,
    step,
    losses: resumed?.losses ?? [],
    secondsAt,
    worker,
    tracker,
    log: join(options.workDir, LOG_FILE),
    wallSeconds: () => wallBefore + (performance.now() - started) / 1000,
  };
}

/** A run that fails or is cancelled releases its weights: the app trains in a long-lived process. */
function releaseRun(run: Pick<TrainingRun, 'params' | 'ema' | 'adam'>, error: unknown): never {
  run.params.dispose();
  run.ema.dispose();
  run.adam.dispose();
  throw error;
}

/** One Adam step on a seeded batch, its EMA update, its log line and, when due, a checkpoint. */
async function trainStep(
  run: TrainingRun,
  sample: (batchSize: number, random: () => number) => CleanBatch,
): Promise<void> {
  const { options } = run;
  const random = mulberry32(options.seed * 1_000_003 + run.step);
  const batch = noiseBatch(
    options,
    run.schedule.alphaBar,
    sample(options.batchSize, random),
    random,
  );
  const { gradients, loss } = await batchGradients(
    options.objective,
    run.params,
    options.config,
    batch,
    run.worker,
  );
  run.adam.applyArrays(run.params, gradients);
  updateEma(run.ema, run.params, run.step, options.emaDecay);
  run.losses.push(loss);
  run.step += 1;
  const step = run.step;
  run.tracker.step(1, { step, loss });
  const seconds = Math.round(run.wallSeconds());
  if (step % SUMMARY_EVERY === 0 || step === options.steps) run.secondsAt.set(step, seconds);
  await appendFile(run.log, JSON.stringify({ step, loss, seconds }) + '\n');
  if (step % options.checkpointEvery === 0 || step === options.steps) await checkpointRun(run);
}

/** Saves the weights, optimiser and losses so a killed run resumes here, and the summary. */
async function checkpointRun(run: TrainingRun): Promise<void> {
  const { params, ema, adam, step, losses } = run;
  // One reading of the clock, so the checkpoint and its summary state the same time.
  const wallSeconds = run.wallSeconds();
  await saveCheckpoint(
    run.options.workDir,
    { params, ema, adam },
    { step, wallSeconds, optionsKey: run.optionsKey, losses },
  );
  await writeTrainingSummary(
    run.options.workDir,
    summariseTraining(losses, wallSeconds, run.secondsAt),
  );
}

/** Writes the model (its EMA weights) and releases the training-only weights. */
async function finishRun(run: TrainingRun): Promise<TrainingSummary> {
  // The training's time and final loss, as the model's manifest records them.
  const wallSeconds = run.wallSeconds();
  const finalLoss = meanOfLast(run.losses, 50);
  const model = trainedModel(run.options, run.schedule, run.ema, {
    steps: run.step,
    backend: run.backendName,
    wallSeconds: Math.round(wallSeconds),
    finalLoss,
  });
  await saveModel(run.options.outDir, model);
  run.params.dispose();
  run.adam.dispose();
  return {
    steps: run.step,
    wallSeconds,
    finalLoss,
    backend: run.backendName,
    resumedFrom: run.resumedFrom,
    model,
  };
}

/** The trained network (its EMA weights) with the manifest that says how it was made. */
function trainedModel(
  options: TrainingOptions,
  schedule: Schedule,
  ema: ParamStore,
  run: { steps: number; backend: string; wallSeconds: number; finalLoss: number },
): Model {
  return {
    kind: options.objective,
    config: options.config,
    params: ema,
    manifest: {
      format: 'anomap-model',
      formatVersion: 1,
      kind: options.objective,
      // The groups in effect are recorded even when defaulted, so the file says what it is.
      architecture: { ...options.config, groups: groupsFor(options.config) },
      preprocessing: options.preprocessing,
      schedule: { steps: schedule.steps, betaStart: schedule.betaStart, betaEnd: schedule.betaEnd },
      training: {
        ...options.trainingData,
        steps: run.steps,
        batchSize: options.batchSize,
        learningRate: options.learningRate,
        emaDecay: options.emaDecay,
        maxTimestep: options.maxTimestep,
        seed: options.seed,
        backend: run.backend,
        processes: options.processes,
        wallSeconds: run.wallSeconds,
        finalLoss: run.finalLoss,
      },
    },
  };
}

function meanOfLast(values: number[], n: number): number {
  const tail = values.slice(-n);
  return tail.reduce((a, b) => a + b, 0) / Math.max(tail.length, 1);
}

/** x_t = sqrt(ab_t) x_0 + sqrt(1 - ab_t) eps with t uniform in [0, maxTimestep). */
function noiseBatch(
  options: TrainingOptions,
  alphaBar: Float64Array,
  clean: CleanBatch,
  random: () => number,
): NoisedBatch {
  const size = options.config.imageSize;
  const n = clean.slices.length;
  const noisy = new Float32Array(n * size * size);
  const noise = new Float32Array(n * size * size);
  const timesteps = clean.slices.map(() => Math.floor(random() * options.maxTimestep));
  clean.slices.forEach((slice, b) => {
    const ab = alphaBar[timesteps[b]];
    const [a, s] = [Math.sqrt(ab), Math.sqrt(1 - ab)];
    for (let i = 0; i < slice.length; i++) {
      const eps = gaussian(random);
      noise[b * slice.length + i] = eps;
      noisy[b * slice.length + i] = a * slice[i] + s * eps;
    }
  });
  return {
    size,
    noisy,
    timesteps,
    noise: options.objective === 'diffusion' ? noise : null,
    labels: options.objective === 'classifier' ? clean.labels : null,
  };
}

function splitBatch(batch: NoisedBatch): [NoisedBatch, NoisedBatch] {
  const half = Math.ceil(batch.timesteps.length / 2);
  const pixels = batch.size * batch.size;
  const part = (from: number, to: number): NoisedBatch => ({
    size: batch.size,
    noisy: batch.noisy.slice(from * pixels, to * pixels),
    timesteps: batch.timesteps.slice(from, to),
    noise: batch.noise ? batch.noise.slice(from * pixels, to * pixels) : null,
    labels: batch.labels ? batch.labels.slice(from, to) : null,
  });
  return [part(0, half), part(half, batch.timesteps.length)];
}

/** The gradient of the whole batch's mean loss from the halves' mean-loss gradients. */
function averageGradients(
  parts: Map<string, Float32Array>[],
  counts: number[],
): Map<string, Float32Array> {
  if (parts.length === 1) return parts[0];
  const total = counts.reduce((a, b) => a + b, 0);
  const out = new Map<string, Float32Array>();
  for (const [name, first] of parts[0]) {
    const sum = new Float32Array(first.length);
    parts.forEach((p, i) => {
      const g = p.get(name)!;
      const w = counts[i] / total;
      for (let j = 0; j < sum.length; j++) sum[j] += g[j] * w;
    });
    out.set(name, sum);
  }
  return out;
}

async function weightsOf(params: ParamStore): Promise<Map<string, Float32Array>> {
  return new Map([...(await readWeights(params))].map(([name, { values }]) => [name, values]));
}

/** Starts from given weights where names and shapes match (e.g. an encoder shared with the UNet). */
function assignMatching(
  params: ParamStore,
  weights: Map<string, { shape: number[]; values: Float32Array }>,
): void {
  tf.tidy(() => {
    for (const [name, variable] of params.variables) {
      const w = weights.get(name);
      if (w && w.shape.join('x') === variable.shape.join('x'))
        variable.assign(tf.tensor(w.values, w.shape));
    }
  });
}

/**
 * Loss and gradients of a batch, split with a gradient worker when there is one. The worker's
 * half is sent before this process starts on its own half, so the two run at the same time.
 */
export async function batchGradients(
  objective: Objective,
  params: ParamStore,
  config: UNetConfig,
  batch: NoisedBatch,
  worker: GradientWorker | null,
): Promise<{ gradients: Map<string, Float32Array>; loss: number }> {
  const halves = worker ? splitBatch(batch) : [batch];
  const remote = worker ? worker.gradients(await weightsOf(params), halves[1]) : null;
  if (worker) await worker.sent;
  const local = await computeGradients(objective, params, config, halves[0]);
  const results = remote ? [local, await remote] : [local];
  const counts = halves.map((h) => h.timesteps.length);
  const total = counts.reduce((a, b) => a + b, 0);
  return {
    gradients: averageGradients(
      results.map((r) => r.gradients),
      counts,
    ),
    loss: results.reduce((sum, r, i) => sum + r.loss * counts[i], 0) / total,
  };
}

export class GradientWorker {
  /**
   * Resolves once the last request has been written to the worker's pipe. A large request (the
   * weights) only leaves while this process's event loop runs, so wait for it before computing.
   */
  sent: Promise<void> = Promise.resolve();

  private pending: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void } | null = null;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: WorkerReply) => {
      const waiting = this.pending;
      this.pending = null;
      if (message.type === 'error')
        waiting?.reject(new Error(`gradient worker: ${message.message}`));
      else waiting?.resolve(message);
    });
    child.on('exit', (code) => {
      this.pending?.reject(new Error(`gradient worker exited with code ${code}`));
      this.pending = null;
    });
  }

  static async start(objective: Objective, config: UNetConfig): Promise<GradientWorker> {
    const child = forkEngineProcess(siblingModule('gradientWorker', import.meta.url));
    const worker = new GradientWorker(child);
    await worker.request({ type: 'init', objective, config });
    return worker;
  }

  private request(message: WorkerRequest): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.sent = new Promise((done) => this.child.send(message, () => done()));
    });
  }

  async gradients(weights: Map<string, Float32Array>, batch: NoisedBatch) {
    const reply = await this.request({ type: 'gradients', weights, batch });
    if (reply.type !== 'gradients') throw new Error(`gradient worker answered ${reply.type}`);
    return reply;
  }

  stop(): void {
    this.child.kill();
  }
}
