/**
 * UnsortedSegmentSum on wasm, which has none: it is the gradient of tf.gather (embedding
 * look-ups, picking the classifier's logit for a label). A direct loop over the wasm heap;
 * the tensors it sees are small.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from './wasmScratch.ts';

const kernelName = 'UnsortedSegmentSum';

function unsortedSegmentSum(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: object;
  attrs?: tf.NamedAttrMap;
}): TensorInfo {
  const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = args.attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const backend = args.backend as BackendWasm;
  const idsRank = segmentIds.shape.length;
  if (segmentIds.shape.some((size, axis) => size !== x.shape[axis])) {
    throw new Error(
      `${kernelName}: segmentIds shape [${segmentIds.shape}] is not a prefix of x shape [${x.shape}]`,
    );
  }
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`${kernelName} on wasm supports float32 and int32, got ${x.dtype}`);
  }
  const out = backend.makeOutput([numSegments, ...x.shape.slice(idsRank)], x.dtype);
  // Views are taken after makeOutput: an allocation may grow the heap and detach older ones.
  const sums = backend.typedArrayFromHeap(out);
  const values = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  sums.fill(0);
  const rowSize = ids.length === 0 ? 0 : values.length / ids.length;
  for (let row = 0; row < ids.length; row++) {
    const segment = ids[row];
    // Like TensorFlow: ids outside [0, numSegments) are dropped.
    if (segment < 0 || segment >= numSegments) continue;
    const from = row * rowSize;
    const to = segment * rowSize;
    for (let k = 0; k < rowSize; k++) sums[to + k] += values[from + k];
  }
  return out;
}

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
