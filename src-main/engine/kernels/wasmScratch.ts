/**
 * Runs the wasm backend's own registered kernels from inside another kernel, and frees
 * every intermediate it made. A kernel must not call public tf ops (they would go through
 * the engine, record on the gradient tape and count as tensors), so a composite kernel
 * calls `getKernel(name, 'wasm').kernelFunc` directly and owns what it gets back.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type TensorInfo = tf.TensorInfo;
type Attrs = tf.NamedAttrMap;

export class WasmScratch {
  private readonly intermediates = new Set<TensorInfo>();

  constructor(readonly backend: BackendWasm) {}

  /** Runs a registered wasm kernel; its output is freed by dispose() unless kept. */
  run(kernelName: string, inputs: Record<string, TensorInfo>, attrs: Attrs = {}): TensorInfo {
    const config = tf.getKernel(kernelName, 'wasm');
    if (config == null) {
      throw new Error(`wasm kernel '${kernelName}' is not registered; cannot compose it`);
    }
    const out = config.kernelFunc({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) {
      throw new Error(`wasm kernel '${kernelName}' returned several outputs; expected one`);
    }
    this.intermediates.add(out);
    return out;
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  zeros(shape: number[]): TensorInfo {
    return this.run('Fill', {}, { shape, value: 0, dtype: 'float32' });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.run('Slice', { x }, { begin, size });
  }

  /** NHWC convolution through XNNPACK; `pad` is [[top, bottom], [left, right]], all >= 0. */
  conv2d(
    x: TensorInfo,
    filter: TensorInfo,
    pad: [[number, number], [number, number]],
    dilations: [number, number],
  ): TensorInfo {
    return this.run(
      'Conv2D',
      { x, filter },
      {
        strides: [1, 1],
        pad: [[0, 0], pad[0], pad[1], [0, 0]],
        dilations,
        dataFormat: 'NHWC',
      },
    );
  }

  /** Takes charge of a tensor made outside run() (e.g. by backend.makeOutput). */
  track(made: TensorInfo): TensorInfo {
    this.intermediates.add(made);
    return made;
  }

  /** Hands `out` to the caller: dispose() will not free it. */
  keep(out: TensorInfo): TensorInfo {
    this.intermediates.delete(out);
    return out;
  }

  dispose(): void {
    for (const info of this.intermediates) this.backend.disposeData(info.dataId);
    this.intermediates.clear();
  }
}

/** Runs `compute` with a scratch space; its result survives, everything else is freed. */
export function withScratch(
  backend: BackendWasm,
  compute: (scratch: WasmScratch) => TensorInfo,
): TensorInfo {
  const scratch = new WasmScratch(backend);
  try {
    return scratch.keep(compute(scratch));
  } finally {
    scratch.dispose();
  }
}
