/**
 * The forward conv's geometry, recomputed from a gradient kernel's attrs exactly as the
 * forward kernel computed it (same padding rule for 'same', explicit and numeric pads).
 */
import * as tf from '@tensorflow/tfjs';

export type Shape4D = [number, number, number, number];

export interface Conv2DGradientAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function forwardConvInfo(
  kernelName: string,
  inputShape: number[],
  filterShape: number[],
  attrs: Conv2DGradientAttrs,
): tf.backend_util.Conv2DInfo {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') {
    throw new Error(
      `${kernelName} on wasm supports dataFormat 'NHWC' only, got '${attrs.dataFormat}'`,
    );
  }
  if (inputShape.length !== 4 || filterShape.length !== 4) {
    throw new Error(
      `${kernelName}: expected rank-4 input and filter, got [${inputShape}] and [${filterShape}]`,
    );
  }
  return tf.backend_util.computeConv2DInfo(
    inputShape as Shape4D,
    filterShape as Shape4D,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
}

export function assertShape(kernelName: string, what: string, got: number[], want: number[]): void {
  if (got.length !== want.length || got.some((size, axis) => size !== want[axis])) {
    throw new Error(`${kernelName}: ${what} has shape [${got}], expected [${want}]`);
  }
}
