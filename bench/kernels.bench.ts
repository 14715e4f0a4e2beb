/**
 * Median time of the wasm conv gradient kernels on a UNet-sized layer: x [8, 64, 64, 64],
 * a 3x3x64x64 filter, 'same', at stride 1 and at stride 2 (a downsampling conv). Compares our
 * Conv2DBackpropInput with the stock wasm one and times our Conv2DBackpropFilter (wasm has
 * no stock one) and the forward conv for scale. Prints the results and writes
 * bench/results/kernels.json; asserts nothing.
 *
 *   npx tsx bench/kernels.bench.ts [--repeats 5]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src-main/engine/backend.ts';
import {
  registerWasmKernels,
  unregisterWasmKernels,
} from '../src-main/engine/kernels/registerWasmKernels.ts';

const inputShape: [number, number, number, number] = [8, 64, 64, 64];
const filterShape: [number, number, number, number] = [3, 3, 64, 64];

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} must be a positive integer`);
  return value;
}

/** Median wall time in ms of `run` (one untimed warm-up first), reading the result back. */
function medianMs(run: () => tf.Tensor, repeats: number): number {
  const times: number[] = [];
  for (let i = 0; i <= repeats; i++) {
    const start = performance.now();
    const out = run();
    out.dataSync();
    const elapsed = performance.now() - start;
    out.dispose();
    if (i > 0) times.push(elapsed);
  }
  times.sort((a, b) => a - b);
  const middle = Math.floor(times.length / 2);
  return times.length % 2 === 1 ? times[middle] : (times[middle - 1] + times[middle]) / 2;
}

interface CaseResult {
  case: { x: number[]; filter: number[]; strides: number; pad: 'same' };
  medianMs: {
    conv2dForward: number;
    conv2dBackpropInputOurs: number;
    conv2dBackpropInputStock: number;
    conv2dBackpropFilterOurs: number;
  };
  speedupBackpropInput: number;
}

function benchCase(strides: number, repeats: number): CaseResult {
  const convAttrs = { strides, pad: 'same', dataFormat: 'NHWC' };
  return tf.tidy(() => {
    const x = tf.randomNormal(inputShape, 0, 1, 'float32', 1) as tf.Tensor4D;
    const filter = tf.randomNormal(filterShape, 0, 1, 'float32', 2) as tf.Tensor4D;
    const y = tf.conv2d(x, filter, strides, 'same');
    const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 3) as tf.Tensor4D;

    const forward = () => tf.conv2d(x, filter, strides, 'same');
    const inputGradient = () =>
      tf
        .engine()
        .runKernel(
          'Conv2DBackpropInput',
          { dy, filter },
          { ...convAttrs, inputShape },
        ) as tf.Tensor;
    const filterGradient = () =>
      tf
        .engine()
        .runKernel('Conv2DBackpropFilter', { x, dy }, { ...convAttrs, filterShape }) as tf.Tensor;

    registerWasmKernels();
    const conv2dForward = medianMs(forward, repeats);
    const conv2dBackpropInputOurs = medianMs(inputGradient, repeats);
    const conv2dBackpropFilterOurs = medianMs(filterGradient, repeats);
    unregisterWasmKernels();
    const conv2dBackpropInputStock = medianMs(inputGradient, repeats);
    registerWasmKernels();
    return {
      case: { x: inputShape, filter: filterShape, strides, pad: 'same' as const },
      medianMs: {
        conv2dForward,
        conv2dBackpropInputOurs,
        conv2dBackpropInputStock,
        conv2dBackpropFilterOurs,
      },
      speedupBackpropInput: conv2dBackpropInputStock / conv2dBackpropInputOurs,
    };
  });
}

async function main(): Promise<void> {
  const repeats = option('repeats', 5);
  const backend = await initBackend({ prefer: 'wasm' });
  const results = {
    date: new Date().toISOString(),
    backend,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    repeats,
    cases: [benchCase(1, repeats), benchCase(2, repeats)],
  };
  const file = join(dirname(fileURLToPath(import.meta.url)), 'results', 'kernels.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  console.log(JSON.stringify(results, null, 2));
  console.log(`written to ${file}`);
}

await main();
