/**
 * dW of an NHWC conv on wasm, as one XNNPACK convolution (the wasm backend ships no
 * Conv2DBackpropFilter at all).
 *
 *   dW[kh, kw, ci, co] = sum_{b, oh, ow} x[b, oh*s + kh - padTop, ow*s + kw - padLeft, ci]
 *                                        * dy[b, oh, ow, co]
 *
 * is a convolution of x^T [Ci, H, W, B] (Ci plays the batch, B the channels) with the
 * filter dy^T [OH, OW, B, Co] dilated by the forward stride, at stride 1; its output
 * [Ci, KH, KW, Co] is dW up to a transpose.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assertShape, forwardConvInfo, type Conv2DGradientAttrs } from './convGeometry.ts';
import { cropNegativePadding } from './spatialPadding.ts';
import { withScratch, type TensorInfo } from './wasmScratch.ts';

const kernelName = 'Conv2DBackpropFilter';

interface BackpropFilterAttrs extends Conv2DGradientAttrs {
  filterShape: [number, number, number, number];
}

function conv2dBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: object;
  attrs?: tf.NamedAttrMap;
}): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as BackpropFilterAttrs;
  const info = forwardConvInfo(kernelName, x.shape, attrs.filterShape, attrs);
  assertShape(kernelName, 'dy', dy.shape, info.outShape);
  const { strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  // Bottom/right padding that makes the output exactly KH x KW; negative means the
  // forward conv never read those last rows/columns.
  const bottom = filterHeight + strideHeight * (info.outHeight - 1) - info.inHeight - padInfo.top;
  const right = filterWidth + strideWidth * (info.outWidth - 1) - info.inWidth - padInfo.left;

  return withScratch(args.backend as BackendWasm, (scratch) => {
    const xT = scratch.transpose(x, [3, 1, 2, 0]);
    const dyT = scratch.transpose(dy, [1, 2, 0, 3]);
    const cropped = cropNegativePadding(scratch, xT, [
      [padInfo.top, bottom],
      [padInfo.left, right],
    ]);
    if (cropped == null) return scratch.zeros(attrs.filterShape);
    const dW = scratch.conv2d(cropped.x, dyT, cropped.pad, [strideHeight, strideWidth]);
    return scratch.transpose(dW, [1, 2, 0, 3]);
  });
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter,
};
