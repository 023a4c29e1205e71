import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM, alloc, heap, sizeOf, inputsOf, type KernelArgs } from './kernel-utils';

/**
 * `OneHot` for wasm: `out[..., j] = onValue if indices[...] = j else offValue`, in the
 * requested dtype (the shipped kernel always writes int32 bits, so a float32 one-hot
 * comes back as garbage).
 */
export function oneHot(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { indices } = inputsOf(args, 'indices');
  const attrs = args.attrs ?? {};
  const depth = attrs.depth as number;
  const onValue = (attrs.onValue as number) ?? 1;
  const offValue = (attrs.offValue as number) ?? 0;
  const dtype = ((attrs.dtype as tf.DataType) ?? 'int32');
  const count = sizeOf(indices.shape);
  const out = alloc(backend, [...indices.shape, depth], dtype);
  const dst = heap(backend, out);
  const ids = heap(backend, indices);
  dst.fill(offValue);
  for (let i = 0; i < count; i++) {
    const j = ids[i];
    if (j >= 0 && j < depth) dst[i * depth + j] = onValue;
  }
  return out;
}

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const oneHotConfig: tf.KernelConfig = { kernelName: tf.OneHot, backendName: WASM, kernelFunc: oneHot as tf.KernelFunc };
