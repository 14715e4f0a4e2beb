/**
 * Puts our wasm kernels in place of (or beside) the stock ones. tf.registerKernel does not
 * cleanly replace an existing kernel, so a stock one is unregistered first and remembered,
 * so that unregisterWasmKernels() can put it back (the benchmark compares the two).
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2dBackpropFilter.ts';
import { conv2dBackpropInputConfig } from './conv2dBackpropInput.ts';
import { unsortedSegmentSumConfig } from './unsortedSegmentSum.ts';

// tf's kernel registry is process-wide; these two marks live beside it rather than in this
// module, so that a second copy of the module (tests reset modules) still tells our
// kernels from the stock ones.
const ourMark = Symbol.for('anomap.wasmKernel');
const stockKey = Symbol.for('anomap.stockWasmKernels');

type MarkedConfig = tf.KernelConfig & { [ourMark]?: true };

const ours: MarkedConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  unsortedSegmentSumConfig,
].map((config) => ({ ...config, [ourMark]: true as const }));

/** Stock kernels we replaced, by name; null where wasm had none. */
const holder = globalThis as { [stockKey]?: Map<string, tf.KernelConfig | null> };
const stock = (holder[stockKey] ??= new Map<string, tf.KernelConfig | null>());

function isOurs(config: tf.KernelConfig | undefined): boolean {
  return (config as MarkedConfig | undefined)?.[ourMark] === true;
}

/** Registers our wasm kernels; idempotent. Returns the kernel names now served by ours. */
export function registerWasmKernels(): string[] {
  for (const config of ours) {
    const current = tf.getKernel(config.kernelName, 'wasm');
    if (current === config) continue;
    if (current != null) tf.unregisterKernel(config.kernelName, 'wasm');
    if (!isOurs(current)) stock.set(config.kernelName, current ?? null);
    tf.registerKernel(config);
  }
  return ours.map((config) => config.kernelName);
}

/** Removes our wasm kernels and restores the stock ones they replaced. */
export function unregisterWasmKernels(): void {
  for (const config of ours) {
    if (!isOurs(tf.getKernel(config.kernelName, 'wasm'))) continue;
    tf.unregisterKernel(config.kernelName, 'wasm');
    const original = stock.get(config.kernelName);
    if (original != null) tf.registerKernel(original);
  }
}
