/**
 * dX of an NHWC conv on wasm through one XNNPACK convolution (the stock wasm kernel is a
 * plain loop, more than ten times slower than the forward conv).
 *
 * At stride 1, dX = conv(dy, W flipped in KH and KW with Ci and Co swapped), padded by
 * KH-1-padTop on top so the output is exactly H x W. At stride s, output row h only receives
 * the kernel taps kh = h + padTop (mod s), so the rows h = r, r+s, r+2s, ... (phase r) are a
 * stride-1 conv of dy with just those taps. All s*s phases run as one conv whose filter
 * holds each phase's taps in its own block of output channels; the blocks are then
 * interleaved into rows and columns ("sub-pixel" layout). This does about the forward conv's
 * arithmetic, where a conv over a zero-inserted dy would do s^2 times more.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assertShape, forwardConvInfo, type Conv2DGradientAttrs } from './convGeometry.ts';
import { cropNegativePadding } from './spatialPadding.ts';
import { withScratch, type TensorInfo } from './wasmScratch.ts';

const kernelName = 'Conv2DBackpropInput';

interface BackpropInputAttrs extends Conv2DGradientAttrs {
  inputShape: [number, number, number, number];
}

/**
 * One spatial axis of the phased conv: for phase r and window position t, the kernel tap
 * that phase uses there (-1: none), and how dy is padded before and after (negative crops).
 */
interface AxisPlan {
  tapAt: (phase: number, position: number) => number;
  window: number;
  before: number;
  after: number;
}

/**
 * Phase r's output position j reads dy[j + shift_r - m] through tap first_r + s*m, where
 * first_r = (r + padBefore) mod s and shift_r = floor((r + padBefore) / s). In a window
 * common to all phases that starts `before` positions ahead of j, tap m sits at
 * t = before + shift_r - m.
 */
function planAxis(
  stride: number,
  kernel: number,
  padBefore: number,
  dySize: number,
  phaseSize: number,
): AxisPlan {
  const phases = Array.from({ length: stride }, (_, phase) => {
    const firstTap = (phase + padBefore) % stride;
    const shift = Math.floor((phase + padBefore) / stride);
    const taps = firstTap >= kernel ? 0 : Math.ceil((kernel - firstTap) / stride);
    return { firstTap, shift, taps };
  });
  const used = phases.filter((p) => p.taps > 0);
  const before = Math.max(...used.map((p) => p.taps - 1 - p.shift));
  const window = Math.max(...used.map((p) => before + p.shift + 1));
  return {
    window,
    before,
    after: phaseSize + window - 1 - before - dySize,
    tapAt: (phase, position) => {
      const { firstTap, shift, taps } = phases[phase];
      const m = before + shift - position;
      return m >= 0 && m < taps ? firstTap + stride * m : -1;
    },
  };
}

/**
 * The phased filter [windowH, windowW, Co, sh*sw*Ci]: output channel (rh*sw + rw)*Ci + ci
 * holds phase (rh, rw)'s taps of W[., ., ci, .], zero where that phase has none.
 */
function phasedFilter(
  backend: BackendWasm,
  filter: TensorInfo,
  rows: AxisPlan,
  cols: AxisPlan,
  strides: [number, number],
): TensorInfo {
  const [, kernelWidth, inChannels, outChannels] = filter.shape;
  const phaseCount = strides[0] * strides[1];
  const out = backend.makeOutput(
    [rows.window, cols.window, outChannels, phaseCount * inChannels],
    'float32',
  );
  // Views are taken after makeOutput: an allocation may grow the heap and detach older ones.
  const phased = backend.typedArrayFromHeap(out);
  const weights = backend.typedArrayFromHeap(filter);
  phased.fill(0);
  for (let th = 0; th < rows.window; th++)
    for (let tw = 0; tw < cols.window; tw++)
      for (let rh = 0; rh < strides[0]; rh++) {
        const kh = rows.tapAt(rh, th);
        if (kh < 0) continue;
        for (let rw = 0; rw < strides[1]; rw++) {
          const kw = cols.tapAt(rw, tw);
          if (kw < 0) continue;
          const block = (rh * strides[1] + rw) * inChannels;
          for (let ci = 0; ci < inChannels; ci++) {
            const from = ((kh * kernelWidth + kw) * inChannels + ci) * outChannels;
            let to = (th * cols.window + tw) * outChannels * phaseCount * inChannels + block + ci;
            for (let co = 0; co < outChannels; co++, to += phaseCount * inChannels) {
              phased[to] = weights[from + co];
            }
          }
        }
      }
  return out;
}

function conv2dBackpropInput(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: object;
  attrs?: tf.NamedAttrMap;
}): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as BackpropInputAttrs;
  const backend = args.backend as BackendWasm;
  const info = forwardConvInfo(kernelName, attrs.inputShape, filter.shape, attrs);
  assertShape(kernelName, 'dy', dy.shape, info.outShape);
  const { batchSize, inHeight, inWidth, inChannels, strideHeight, strideWidth, padInfo } = info;
  // Every phase computes ceil(H / s) rows so that the phases interleave evenly; the surplus
  // is sliced off at the end.
  const phaseHeight = Math.ceil(inHeight / strideHeight);
  const phaseWidth = Math.ceil(inWidth / strideWidth);
  const rows = planAxis(strideHeight, info.filterHeight, padInfo.top, info.outHeight, phaseHeight);
  const cols = planAxis(strideWidth, info.filterWidth, padInfo.left, info.outWidth, phaseWidth);

  return withScratch(backend, (scratch) => {
    const cropped = cropNegativePadding(scratch, dy, [
      [rows.before, rows.after],
      [cols.before, cols.after],
    ]);
    if (cropped == null) return scratch.zeros([batchSize, inHeight, inWidth, inChannels]);
    const filterForPhases = scratch.track(
      phasedFilter(backend, filter, rows, cols, [strideHeight, strideWidth]),
    );
    const phases = scratch.conv2d(cropped.x, filterForPhases, cropped.pad, [1, 1]);
    if (strideHeight === 1 && strideWidth === 1) return phases;
    // [B, H/sh, W/sw, (rh, rw, ci)] -> [B, H/sh, rh, W/sw, (rw, ci)]: row h = sh*j + rh.
    const split = scratch.reshape(phases, [
      batchSize,
      phaseHeight,
      phaseWidth,
      strideHeight,
      strideWidth * inChannels,
    ]);
    const interleaved = scratch.reshape(scratch.transpose(split, [0, 1, 3, 2, 4]), [
      batchSize,
      phaseHeight * strideHeight,
      phaseWidth * strideWidth,
      inChannels,
    ]);
    if (phaseHeight * strideHeight === inHeight && phaseWidth * strideWidth === inWidth) {
      return interleaved;
    }
    return scratch.slice(interleaved, [0, 0, 0, 0], [batchSize, inHeight, inWidth, inChannels]);
  });
}

export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput,
};
