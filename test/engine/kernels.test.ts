import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  registerWasmKernels,
  unregisterWasmKernels,
} from '../../src-main/engine/kernels/registerWasmKernels.ts';

// ---- float64 reference, by direct summation ------------------------------------------------

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];

interface Geometry {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  outHeight: number;
  outWidth: number;
  padTop: number;
  padLeft: number;
}

/** One spatial axis of the forward conv: output size and padding before, TensorFlow's rule. */
function axisGeometry(size: number, kernel: number, stride: number, pad: Pad, axis: 0 | 1) {
  if (pad === 'same') {
    const out = Math.ceil(size / stride);
    const total = Math.max(0, (out - 1) * stride + kernel - size);
    return { out, before: Math.floor(total / 2) };
  }
  if (pad === 'valid') return { out: Math.ceil((size - kernel + 1) / stride), before: 0 };
  const [before, after] = typeof pad === 'number' ? [pad, pad] : pad[axis + 1];
  return { out: Math.floor((size + before + after - kernel) / stride) + 1, before };
}

function geometry(
  xShape: number[],
  filterShape: number[],
  strides: [number, number],
  pad: Pad,
): Geometry {
  const [batch, height, width, inChannels] = xShape;
  const [kernelHeight, kernelWidth, , outChannels] = filterShape;
  const rows = axisGeometry(height, kernelHeight, strides[0], pad, 0);
  const cols = axisGeometry(width, kernelWidth, strides[1], pad, 1);
  return {
    batch,
    height,
    width,
    inChannels,
    outChannels,
    kernelHeight,
    kernelWidth,
    strideHeight: strides[0],
    strideWidth: strides[1],
    outHeight: rows.out,
    outWidth: cols.out,
    padTop: rows.before,
    padLeft: cols.before,
  };
}

/** Calls visit(xIndex, filterIndex, yIndex) for every product term of the forward conv. */
function forEachTerm(g: Geometry, visit: (xi: number, fi: number, yi: number) => void): void {
  for (let b = 0; b < g.batch; b++)
    for (let oh = 0; oh < g.outHeight; oh++)
      for (let ow = 0; ow < g.outWidth; ow++)
        for (let kh = 0; kh < g.kernelHeight; kh++) {
          const h = oh * g.strideHeight + kh - g.padTop;
          if (h < 0 || h >= g.height) continue;
          for (let kw = 0; kw < g.kernelWidth; kw++) {
            const w = ow * g.strideWidth + kw - g.padLeft;
            if (w < 0 || w >= g.width) continue;
            for (let ci = 0; ci < g.inChannels; ci++)
              for (let co = 0; co < g.outChannels; co++) {
                const xi = ((b * g.height + h) * g.width + w) * g.inChannels + ci;
                const fi = ((kh * g.kernelWidth + kw) * g.inChannels + ci) * g.outChannels + co;
                const yi = ((b * g.outHeight + oh) * g.outWidth + ow) * g.outChannels + co;
                visit(xi, fi, yi);
              }
          }
        }
}

function referenceForward(g: Geometry, x: Float64Array, filter: Float64Array): Float64Array {
  const y = new Float64Array(g.batch * g.outHeight * g.outWidth * g.outChannels);
  forEachTerm(g, (xi, fi, yi) => (y[yi] += x[xi] * filter[fi]));
  return y;
}

function referenceFilterGradient(g: Geometry, x: Float64Array, dy: Float64Array): Float64Array {
  const dW = new Float64Array(g.kernelHeight * g.kernelWidth * g.inChannels * g.outChannels);
  forEachTerm(g, (xi, fi, yi) => (dW[fi] += x[xi] * dy[yi]));
  return dW;
}

function referenceInputGradient(g: Geometry, filter: Float64Array, dy: Float64Array): Float64Array {
  const dX = new Float64Array(g.batch * g.height * g.width * g.inChannels);
  forEachTerm(g, (xi, fi, yi) => (dX[xi] += filter[fi] * dy[yi]));
  return dX;
}

// ---- helpers ------------------------------------------------------------------------------

/**
 * Deterministic values in [-1, 1) from a small LCG, so a failure reproduces; each is a
 * float32, so the float64 reference and the float32 kernel start from the same numbers.
 */
function values(count: number, seed: number): Float64Array {
  const out = new Float64Array(count);
  let state = seed * 7919 + 17;
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out[i] = Math.fround((state / 2147483648) * 2 - 1);
  }
  return out;
}

function f32(data: Float64Array): Float32Array {
  return Float32Array.from(data);
}

/** max |got - want| / max |want|: the error relative to the result's scale. */
function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let error = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    error = Math.max(error, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return error / (scale || 1);
}

function wasmBackend(): BackendWasm {
  return tf.backend() as BackendWasm;
}

function runKernel(name: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor {
  return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
}

interface ConvCase {
  batch: number;
  size: [number, number];
  channels: [number, number];
  kernel: [number, number];
  strides: [number, number];
  pad: Pad;
}

function describeCase(c: ConvCase): string {
  return (
    `x [${c.batch},${c.size},${c.channels[0]}] * ${c.kernel.join('x')}x${c.channels.join('x')}` +
    ` stride ${c.strides.join(',')} pad ${JSON.stringify(c.pad)}`
  );
}

const channelPairs: [number, number][] = [
  [1, 4],
  [3, 2],
  [5, 6],
];
const gridCases: ConvCase[] = [];
for (const stride of [1, 2])
  for (const kernel of [1, 3])
    for (const pad of ['same', 'valid'] as const)
      for (const batch of [1, 3])
        for (const channels of channelPairs)
          gridCases.push({
            batch,
            size: [7, 9],
            channels,
            kernel: [kernel, kernel],
            strides: [stride, stride],
            pad,
          });
// Numeric and explicit padding, uneven strides and kernels, and paddings larger than the
// kernel (the gradient then crops rows the forward conv never read).
const oddCases: ConvCase[] = [
  { batch: 2, size: [8, 6], channels: [2, 3], kernel: [3, 3], strides: [2, 2], pad: 1 },
  { batch: 1, size: [6, 6], channels: [2, 2], kernel: [1, 1], strides: [1, 1], pad: 2 },
  { batch: 2, size: [9, 7], channels: [3, 3], kernel: [3, 3], strides: [3, 3], pad: 'valid' },
  { batch: 2, size: [10, 11], channels: [4, 3], kernel: [3, 2], strides: [2, 3], pad: 'same' },
  { batch: 2, size: [9, 8], channels: [3, 2], kernel: [4, 4], strides: [2, 2], pad: 'same' },
  { batch: 1, size: [11, 10], channels: [2, 3], kernel: [2, 2], strides: [3, 3], pad: 'valid' },
  { batch: 3, size: [2, 3], channels: [2, 2], kernel: [3, 3], strides: [2, 2], pad: 'same' },
  { batch: 1, size: [7, 7], channels: [2, 2], kernel: [3, 3], strides: [2, 2], pad: 4 },
  // Taps that only ever land in the padding, or on rows the stride skips.
  { batch: 2, size: [1, 1], channels: [2, 3], kernel: [1, 1], strides: [2, 2], pad: 1 },
  {
    batch: 2,
    size: [1, 1],
    channels: [2, 3],
    kernel: [1, 1],
    strides: [3, 3],
    pad: [
      [0, 0],
      [2, 0],
      [2, 0],
      [0, 0],
    ],
  },
  {
    batch: 3,
    size: [7, 9],
    channels: [3, 5],
    kernel: [3, 3],
    strides: [2, 1],
    pad: [
      [0, 0],
      [2, 0],
      [1, 3],
      [0, 0],
    ],
  },
];
const allCases = [...gridCases, ...oddCases];

function caseTensors(c: ConvCase, seed: number) {
  const xShape = [c.batch, ...c.size, c.channels[0]];
  const filterShape = [...c.kernel, ...c.channels];
  const g = geometry(xShape, filterShape, c.strides, c.pad);
  const x = values(
    xShape.reduce((a, b) => a * b),
    seed,
  );
  const filter = values(
    filterShape.reduce((a, b) => a * b),
    seed + 1,
  );
  const dy = values(g.batch * g.outHeight * g.outWidth * g.outChannels, seed + 2);
  return {
    g,
    xShape,
    filterShape,
    x,
    filter,
    dy,
    dyShape: [c.batch, g.outHeight, g.outWidth, c.channels[1]],
  };
}

// ---- tests --------------------------------------------------------------------------------

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  // The engine then checks after every kernel that it left no data behind in the backend.
  tf.env().set('IS_TEST', true);
  registerWasmKernels();
});

afterAll(() => {
  tf.env().set('IS_TEST', false);
});

describe('the float64 reference', () => {
  it.each(oddCases.map((c) => [describeCase(c), c] as const))(
    'agrees with the cpu backend forward conv for %s',
    async (_name, c) => {
      const t = caseTensors(c, 3);
      await tf.setBackend('cpu');
      const y = tf.tidy(() =>
        tf
          .conv2d(
            tf.tensor4d(f32(t.x), t.xShape as [number, number, number, number]),
            tf.tensor4d(f32(t.filter), t.filterShape as [number, number, number, number]),
            c.strides,
            c.pad,
          )
          .dataSync(),
      );
      await tf.setBackend('wasm');
      expect(relativeError(y, referenceForward(t.g, t.x, t.filter))).toBeLessThan(1e-5);
    },
  );
});

describe('Conv2DBackpropFilter on wasm', () => {
  it.each(allCases.map((c, i) => [describeCase(c), c, i] as const))(
    'matches the float64 dW for %s',
    (_name, c, i) => {
      const t = caseTensors(c, 100 + i);
      const dW = tf.tidy(() =>
        runKernel(
          'Conv2DBackpropFilter',
          { x: tf.tensor(f32(t.x), t.xShape), dy: tf.tensor(f32(t.dy), t.dyShape) },
          { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: t.filterShape },
        ).dataSync(),
      );
      expect(relativeError(dW, referenceFilterGradient(t.g, t.x, t.dy))).toBeLessThan(1e-4);
    },
  );
});

describe('Conv2DBackpropInput on wasm', () => {
  it.each(allCases.map((c, i) => [describeCase(c), c, i] as const))(
    'matches the float64 dX for %s',
    (_name, c, i) => {
      const t = caseTensors(c, 200 + i);
      const dX = tf.tidy(() =>
        runKernel(
          'Conv2DBackpropInput',
          { dy: tf.tensor(f32(t.dy), t.dyShape), filter: tf.tensor(f32(t.filter), t.filterShape) },
          { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: t.xShape },
        ).dataSync(),
      );
      expect(relativeError(dX, referenceInputGradient(t.g, t.filter, t.dy))).toBeLessThan(1e-4);
    },
  );

  it('rejects NCHW with an error naming the kernel and the format', () => {
    const run = () =>
      tf.tidy(() =>
        runKernel(
          'Conv2DBackpropInput',
          { dy: tf.zeros([1, 2, 4, 4]), filter: tf.zeros([3, 3, 2, 2]) },
          { strides: 1, pad: 'same', dataFormat: 'NCHW', inputShape: [1, 2, 4, 4] },
        ),
      );
    expect(run).toThrow(/Conv2DBackpropInput.*'NHWC' only.*'NCHW'/);
  });
});

describe('UnsortedSegmentSum on wasm', () => {
  it('sums rows into their segments and drops ids outside [0, numSegments)', () => {
    const rows = values(6 * 4, 7);
    const ids = [2, 0, 2, -1, 5, 1];
    const want = new Float64Array(3 * 4);
    ids.forEach((id, row) => {
      if (id < 0 || id >= 3) return;
      for (let k = 0; k < 4; k++) want[id * 4 + k] += rows[row * 4 + k];
    });
    const got = tf.tidy(() =>
      tf
        .unsortedSegmentSum(tf.tensor2d(f32(rows), [6, 4]), tf.tensor1d(ids, 'int32'), 3)
        .dataSync(),
    );
    expect(relativeError(got, want)).toBeLessThan(1e-6);
  });

  it('gives tf.gather a gradient that matches the cpu backend', async () => {
    const table = values(5 * 3, 11);
    const gradient = () =>
      tf.tidy(() =>
        tf
          .grad((t: tf.Tensor) =>
            tf.sum(tf.square(tf.gather(t, tf.tensor1d([4, 0, 4, 2], 'int32')))),
          )(tf.tensor2d(f32(table), [5, 3]))
          .dataSync(),
      );
    const onWasm = gradient();
    await tf.setBackend('cpu');
    const onCpu = gradient();
    await tf.setBackend('wasm');
    expect(relativeError(onWasm, onCpu)).toBeLessThan(1e-6);
  });
});

describe('training a small conv net on wasm', () => {
  // conv 3x3 stride 2 -> conv 3x3 -> sum of squares; gradients for the input and both filters.
  const xShape: [number, number, number, number] = [3, 9, 7, 2];
  const w1Shape: [number, number, number, number] = [3, 3, 2, 4];
  const w2Shape: [number, number, number, number] = [3, 3, 4, 3];
  const inputs = [values(3 * 9 * 7 * 2, 21), values(3 * 3 * 2 * 4, 22), values(3 * 3 * 4 * 3, 23)];
  const loss = (x: tf.Tensor, w1: tf.Tensor, w2: tf.Tensor): tf.Scalar => {
    const hidden = tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 2, 'same');
    return tf.sum(tf.square(tf.conv2d(hidden, w2 as tf.Tensor4D, 1, 'same')));
  };
  const gradients = () =>
    tf.tidy(() =>
      tf
        .grads(loss)([
          tf.tensor4d(f32(inputs[0]), xShape),
          tf.tensor4d(f32(inputs[1]), w1Shape),
          tf.tensor4d(f32(inputs[2]), w2Shape),
        ])
        .map((g) => g.dataSync()),
    );

  it('gets the same gradients as the cpu backend', async () => {
    const onWasm = gradients();
    await tf.setBackend('cpu');
    const onCpu = gradients();
    await tf.setBackend('wasm');
    onWasm.forEach((g, i) => expect(relativeError(g, onCpu[i])).toBeLessThan(1e-4));
  });

  it('leaves no tensors and no backend data behind', () => {
    gradients(); // warm-up: XNNPACK operators and any lazily made constants
    const tensorsBefore = tf.memory().numTensors;
    const bytesBefore = tf.memory().numBytes;
    const dataBefore = wasmBackend().numDataIds();
    for (let i = 0; i < 3; i++) gradients();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(tf.memory().numBytes).toBe(bytesBefore);
    expect(wasmBackend().numDataIds()).toBe(dataBefore);
  });
});

describe('registering the kernels', () => {
  it('is idempotent and can restore the stock Conv2DBackpropInput', () => {
    const ours = tf.getKernel('Conv2DBackpropInput', 'wasm');
    expect(registerWasmKernels()).toContain('Conv2DBackpropFilter');
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(ours);
    unregisterWasmKernels();
    const stock = tf.getKernel('Conv2DBackpropInput', 'wasm');
    expect(stock).toBeDefined();
    expect(stock).not.toBe(ours);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    registerWasmKernels();
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(ours);
  });
});
