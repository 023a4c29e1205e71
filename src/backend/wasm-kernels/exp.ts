import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM, alloc, free, heap, heapF32, inputsOf, offsetOf, run, sizeOf, type KernelArgs } from './kernel-utils';
import { nativeProducts, type NativeBlas } from '../native/native-blas';
import { wholeHeapF32 } from './gemm';

/**
 * `Exp` for wasm. Where products run in the native binding, float32 exponentials run there
 * too: the binding repeats the shipped kernel's arithmetic operation for operation (all 2^32
 * floats checked by scripts/check-exp-bits.mjs), eight values at a time instead of one, so
 * every result is the shipped kernel's bits. The binding is used only after it has given the
 * shipped kernel's bits on a check set in this process (so a different build of the wasm
 * module falls back by itself). Elsewhere, and for int32 inputs, the shipped kernel runs.
 */
export function exp(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = inputsOf(args, 'x');
  const native = x.dtype === 'float32' ? nativeProducts()?.exp : undefined;
  if (native === undefined || !nativeExpAgrees(backend, native)) return run(backend, tf.Exp, args.inputs, args.attrs);
  const out = alloc(backend, x.shape, 'float32');
  const n = sizeOf(x.shape);
  if (n > 0) native(wholeHeapF32(backend), n, offsetOf(backend, x) >> 2, offsetOf(backend, out) >> 2);
  return out;
}

/** Whether the binding's exp gave the shipped kernel's bits on the check values; undefined before the check. */
let agrees: boolean | undefined;

/**
 * The check, once per thread: 2^16 float patterns spread over the whole range (every
 * exponent, both signs, NaNs and infinities) and every float within 64 of the kernel's
 * thresholds, through the shipped kernel and through the binding.
 */
function nativeExpAgrees(backend: BackendWasm, native: NonNullable<NativeBlas['exp']>): boolean {
  if (agrees !== undefined) return agrees;
  const patterns: number[] = [];
  for (let p = 0; p < 2 ** 16; p++) patterns.push((p * 65537 + 0x9e37) >>> 0);
  for (const v of [0, 1, 88, 88.72283172607422, -87.33654022216797, -103.97207641601562]) {
    const bits = new Uint32Array(Float32Array.of(v).buffer)[0];
    for (let d = -64; d <= 64; d++) patterns.push((bits + d) >>> 0, ((bits ^ 0x80000000) + d) >>> 0);
  }
  const values = new Float32Array(Uint32Array.from(patterns).buffer);
  const input = alloc(backend, [values.length], 'float32');
  heap(backend, input).set(values);
  const shipped = run(backend, tf.Exp, { x: input });
  const ours = alloc(backend, [values.length], 'float32');
  native(wholeHeapF32(backend), values.length, offsetOf(backend, input) >> 2, offsetOf(backend, ours) >> 2);
  const bits = (info: tf.TensorInfo): Uint32Array => {
    const view = heapF32(backend, info);
    return new Uint32Array(view.buffer, view.byteOffset, view.length);
  };
  const a = bits(shipped);
  const b = bits(ours);
  agrees = a.every((word, i) => word === b[i]);
  free(backend, input, shipped, ours);
  return agrees;
}

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const expConfig: tf.KernelConfig = { kernelName: tf.Exp, backendName: WASM, kernelFunc: exp as tf.KernelFunc };

/** Forgets the check's result, so the next exponential checks the binding again (tests). */
export function forgetNativeExpCheck(): void {
  agrees = undefined;
}
