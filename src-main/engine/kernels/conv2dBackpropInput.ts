/**
 * dX of an NHWC conv on wasm through one XNNPACK convolution (the stock wasm kernel is a
 * plain loop, about ten times slower).
 *
 *   dX = conv(dy with stride-1 zeros inserted between rows and columns,
 *             W flipped in KH and KW with Ci and Co swapped),
 *
 * at stride 1, padded by KH-1-padTop on top (KW-1-padLeft on the left) and so that the
 * output is exactly H x W.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assertShape, forwardConvInfo, type Conv2DGradientAttrs } from './convGeometry.ts';
import { cropNegativePadding } from './spatialPadding.ts';
import { withScratch, type TensorInfo, type WasmScratch } from './wasmScratch.ts';

const kernelName = 'Conv2DBackpropInput';

interface BackpropInputAttrs extends Conv2DGradientAttrs {
  inputShape: [number, number, number, number];
}

/** [B, OH, OW, C] -> [B, OH*sh, OW*sw, C] with dy at every stride-th row and column. */
function insertZeros(
  scratch: WasmScratch,
  dy: TensorInfo,
  strideHeight: number,
  strideWidth: number,
): TensorInfo {
  if (strideHeight === 1 && strideWidth === 1) return dy;
  const [batch, height, width, channels] = dy.shape;
  const spread = scratch.reshape(dy, [batch, height, 1, width, 1, channels]);
  const padded = scratch.pad(spread, [
    [0, 0],
    [0, 0],
    [0, strideHeight - 1],
    [0, 0],
    [0, strideWidth - 1],
    [0, 0],
  ]);
  return scratch.reshape(padded, [batch, height * strideHeight, width * strideWidth, channels]);
}

function conv2dBackpropInput(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: object;
  attrs?: tf.NamedAttrMap;
}): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as BackpropInputAttrs;
  const info = forwardConvInfo(kernelName, attrs.inputShape, filter.shape, attrs);
  assertShape(kernelName, 'dy', dy.shape, info.outShape);
  const { strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  const top = filterHeight - 1 - padInfo.top;
  const left = filterWidth - 1 - padInfo.left;

  return withScratch(args.backend as BackendWasm, (scratch) => {
    const spread = insertZeros(scratch, dy, strideHeight, strideWidth);
    const bottom = info.inHeight + filterHeight - 1 - top - spread.shape[1];
    const right = info.inWidth + filterWidth - 1 - left - spread.shape[2];
    const cropped = cropNegativePadding(scratch, spread, [
      [top, bottom],
      [left, right],
    ]);
    const flipped = scratch.reverse(filter, [0, 1]);
    const swapped = scratch.transpose(flipped, [0, 1, 3, 2]);
    return scratch.conv2d(cropped.x, swapped, cropped.pad, [1, 1]);
  });
}

export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput,
};
