import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM, alloc, heap, sizeOf, inputsOf, type KernelArgs } from './kernel-utils';

/**
 * `UnsortedSegmentSum` for wasm (not shipped; it is the gradient of `gather`):
 * `out[s] = sum of x[i] over i with segmentIds[i] = s`, for `s` in `[0, numSegments)`.
 * Ids outside that range are dropped, as in TensorFlow.
 */
export function unsortedSegmentSum(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, segmentIds } = inputsOf(args, 'x', 'segmentIds');
  const numSegments = args.attrs?.numSegments as number;
  const idRank = segmentIds.shape.length;
  const rest = x.shape.slice(idRank);
  const inner = sizeOf(rest);
  const count = sizeOf(segmentIds.shape);
  const out = alloc(backend, [numSegments, ...rest], x.dtype);
  const dst = heap(backend, out);
  const src = heap(backend, x);
  const ids = heap(backend, segmentIds);
  dst.fill(0);
  for (let i = 0; i < count; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const o = s * inner;
    const p = i * inner;
    for (let k = 0; k < inner; k++) dst[o + k] += src[p + k];
  }
  return out;
}

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: WASM,
  kernelFunc: unsortedSegmentSum as tf.KernelFunc,
};
