/**
 * Puts our wasm kernels in place of (or beside) the stock ones. tf.registerKernel does not
 * replace an existing kernel, so a stock one is unregistered first and remembered, so that
 * unregisterWasmKernels() can put it back (the benchmark compares the two).
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2dBackpropFilter.ts';
import { conv2dBackpropInputConfig } from './conv2dBackpropInput.ts';
import { unsortedSegmentSumConfig } from './unsortedSegmentSum.ts';

const ours: tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  unsortedSegmentSumConfig,
];

/** Stock kernels we replaced, by name; null where wasm had none. */
const replaced = new Map<string, tf.KernelConfig | null>();

/** Registers our wasm kernels; idempotent. Returns the kernel names now served by ours. */
export function registerWasmKernels(): string[] {
  for (const config of ours) {
    const current = tf.getKernel(config.kernelName, 'wasm');
    if (current === config) continue;
    if (current != null) tf.unregisterKernel(config.kernelName, 'wasm');
    replaced.set(config.kernelName, current ?? null);
    tf.registerKernel(config);
  }
  return ours.map((config) => config.kernelName);
}

/** Removes our wasm kernels and restores the stock ones they replaced. */
export function unregisterWasmKernels(): void {
  for (const config of ours) {
    if (tf.getKernel(config.kernelName, 'wasm') !== config) continue;
    tf.unregisterKernel(config.kernelName, 'wasm');
    const stock = replaced.get(config.kernelName);
    if (stock != null) tf.registerKernel(stock);
    replaced.delete(config.kernelName);
  }
}
