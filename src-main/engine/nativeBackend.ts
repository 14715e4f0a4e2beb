/**
 * What the native 'tensorflow' backend needs beyond loading: its C library's version, and fixes
 * for kernels that TensorFlow 2.21's C library (built by `npm run setup:tensorflow` from a
 * tensorflow-cpu wheel) computes differently from the 2.9.1 that tfjs-node 4.22 was made for.
 * test/engine/backendParity.test.ts finds such kernels by running the engine on both backends.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';

interface NativeBinding {
  TF_Version: string;
}

interface NativeKernelBackend {
  binding: NativeBinding;
  incRef(dataId: object): void;
}

/** The C library's own version string, e.g. '2.21.0'. */
export function nativeLibraryVersion(): string {
  const backend = tf.findBackend('tensorflow') as unknown as NativeKernelBackend | null;
  return backend?.binding?.TF_Version ?? 'unknown';
}

export function tfjsNodeVersion(packageName: string): string {
  try {
    const require = createRequire(import.meta.url);
    return (require(`${packageName}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Round on int32 returns zeros with TensorFlow 2.21's C library (seen in tfjs-core's own tests
 * and in backendParity.test.ts). Rounding an integer is the identity, so the int32 case never
 * reaches the library; float inputs keep the library's kernel.
 */
export function patchNativeKernels(): void {
  const original = tf.getKernel(tf.Round, 'tensorflow');
  if (original == null || (original as { anomapPatched?: boolean }).anomapPatched) return;
  tf.unregisterKernel(tf.Round, 'tensorflow');
  const patched: tf.KernelConfig & { anomapPatched: boolean } = {
    kernelName: tf.Round,
    backendName: 'tensorflow',
    anomapPatched: true,
    kernelFunc: (args) => {
      const x = (args.inputs as { x: tf.TensorInfo }).x;
      if (x.dtype !== 'int32') return original.kernelFunc(args);
      (args.backend as unknown as NativeKernelBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  };
  tf.registerKernel(patched);
}
