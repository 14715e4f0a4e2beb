/**
 * Where an engine step spends its time, per kernel (tf.profile), on the backend ANOMAP_BACKEND
 * names: a UNet forward pass at batch 8, the train step's gradients (forward + backward) and its
 * Adam update, at the shipped architecture with random weights; and how many cores the process
 * keeps busy (CPU time / wall time). Prints JSON; never asserts on time.
 *
 *   ANOMAP_BACKEND=tensorflow npx tsx bench/engineProfile.ts [--runs 3]
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src-main/engine/backend.ts';
import { createModelParams } from '../src-main/engine/models.ts';
import { noiseModel, type UNetConfig } from '../src-main/engine/nn/unet.ts';
import { Adam } from '../src-main/engine/train/adam.ts';
import { batchLoss } from '../src-main/engine/train/objectives.ts';
import { BATCH } from './interleave.ts';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt >= 0 ? Number(process.argv[runsAt + 1]) : 3;

interface KernelTotal {
  kernel: string;
  milliseconds: number;
  calls: number;
}

/** Per-kernel time of `fn`, summed over kernels of the same name, largest first. */
async function profileKernels(fn: () => tf.TensorContainer): Promise<KernelTotal[]> {
  const info = await tf.profile(() => fn());
  const totals = new Map<string, KernelTotal>();
  for (const k of info.kernels) {
    const total = totals.get(k.name) ?? { kernel: k.name, milliseconds: 0, calls: 0 };
    const time = await k.kernelTimeMs;
    total.milliseconds += typeof time === 'number' ? time : NaN;
    total.calls += 1;
    totals.set(k.name, total);
  }
  return [...totals.values()]
    .map((t) => ({ ...t, milliseconds: Math.round(t.milliseconds * 10) / 10 }))
    .sort((a, b) => b.milliseconds - a.milliseconds);
}

/** Median wall time of `fn` and the cores it kept busy meanwhile. */
async function wallAndCores(fn: () => Promise<void>) {
  await fn();
  const samples: { wallMs: number; cores: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    await fn();
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    samples.push({ wallMs, cores: (used.user + used.system) / 1000 / wallMs });
  }
  samples.sort((a, b) => a.wallMs - b.wallMs);
  const mid = samples[Math.floor(samples.length / 2)];
  return { wallMs: Math.round(mid.wallMs), coresBusy: Math.round(mid.cores * 100) / 100 };
}

async function main() {
  const report = await initBackend();
  const manifest = JSON.parse(
    await readFile(join(root, 'models', 'diffusion', 'manifest.json'), 'utf8'),
  ) as { architecture: UNetConfig };
  const config = manifest.architecture;
  const params = createModelParams('diffusion', config, 1);
  const size = config.imageSize;
  const x = tf.randomNormal([BATCH, size, size, 1]) as tf.Tensor4D;
  const t = tf.fill([BATCH], 500) as tf.Tensor1D;
  const x1 = tf.randomNormal([1, size, size, 1]) as tf.Tensor4D;
  const t1 = tf.fill([1], 500) as tf.Tensor1D;
  const batch = {
    size,
    noisy: Float32Array.from({ length: BATCH * size * size }, () => Math.random()),
    noise: Float32Array.from({ length: BATCH * size * size }, () => Math.random()),
    timesteps: Array.from({ length: BATCH }, (_, i) => i * 100),
    labels: null,
  };
  const variables = [...params.variables.values()];
  const gradients = () => tf.variableGrads(() => batchLoss('diffusion', params, config, batch));
  const forward = () => tf.tidy(() => noiseModel(params, config, x, t));
  const forward1 = () => tf.tidy(() => noiseModel(params, config, x1, t1));
  const adam = new Adam(1e-4);
  const oneGradient = gradients();
  const gradientMap = new Map(
    [...params.variables].map(([n, v]) => [n, oneGradient.grads[v.name]]),
  );
  const timed = {
    forwardBatch1: await wallAndCores(async () => void (await forward1().data())),
    forwardBatch8: await wallAndCores(async () => void (await forward().data())),
    gradientsBatch8: await wallAndCores(async () => {
      const { value, grads } = gradients();
      await value.data();
      tf.dispose([value, ...Object.values(grads)]);
    }),
    adamUpdate: await wallAndCores(async () => {
      adam.apply(params, gradientMap);
      await variables[0].data();
    }),
  };
  const output = {
    backend: report,
    env: Object.fromEntries(
      Object.entries(process.env).filter(([k]) => /^(TF_|OMP_)/.test(k)),
    ) as Record<string, string>,
    timed,
    kernels: {
      forwardBatch1: await profileKernels(forward1),
      forwardBatch8: await profileKernels(forward),
      gradientsBatch8: await profileKernels(() => {
        const { value, grads } = gradients();
        return [value, ...Object.values(grads)];
      }),
      adamUpdate: await profileKernels(() => void adam.apply(params, gradientMap)),
    },
  };
  console.log(JSON.stringify(output, null, 2));
}

await main();
