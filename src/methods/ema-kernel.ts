import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { activeBackendHas, registerMissingKernels } from '../backend/custom-kernels';
import { nativeProducts } from '../backend/native/native-blas';
import { float32Input, offsetOf } from '../backend/wasm-kernels/kernel-utils';
import { wholeHeapF32 } from '../backend/wasm-kernels/gemm';

/**
 * The moving-average update of every target variable in one kernel call of the wasm backend
 * where products run natively (`SslmemEma`, the binding's `ema`): `t m + o (1 - m)` with the
 * float32 operations of the ops (each product and the sum rounded to float32, the scalars as
 * the ops round them), hence the same bits as two Multiply and one Add kernel per variable,
 * with two scalar tensors made each time. Inputs `t0, o0, t1, o1, ...`; attrs `momentum`,
 * `count`; one output per variable.
 */
export const emaKernelName = 'SslmemEma';

type Args = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function wasmEma(args: Args): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const native = nativeProducts()?.ema;
  if (native === undefined) throw new Error(`${emaKernelName}: the native binding with ema is not in use`);
  const momentum = Number(args.attrs?.momentum);
  const count = Number(args.attrs?.count);
  const input = (name: string): tf.TensorInfo => float32Input(args, emaKernelName, name);
  const pairs = Array.from({ length: count }, (_, v) => [input(`t${v}`), input(`o${v}`)] as const);
  const outs = pairs.map(([t]) => backend.makeOutput(t.shape, 'float32'));
  const at = Int32Array.from(pairs.flatMap(([t, o], v) => [t, o, outs[v]].map((info) => offsetOf(backend, info) >> 2)));
  native(wholeHeapF32(backend), Math.fround(momentum), Math.fround(1 - momentum), Int32Array.from(pairs, ([t]) => tf.util.sizeFromShape(t.shape)), at);
  return outs;
}

/** The kernel config. */
export const emaKernels: readonly tf.KernelConfig[] = [{ kernelName: emaKernelName, backendName: 'wasm', kernelFunc: wasmEma as unknown as tf.KernelFunc }];

registerMissingKernels(emaKernels);

/** Whether the active backend has the kernel and the binding it calls is in use. */
export function hasEmaKernel(): boolean {
  return activeBackendHas(emaKernelName) && nativeProducts()?.ema !== undefined;
}

/** `t m + o (1 - m)` of each pair by the kernel (call only where `hasEmaKernel()`, all float32, inside a tidy). */
export function emaByKernel(target: readonly tf.Tensor[], online: readonly tf.Tensor[], momentum: number): tf.Tensor[] {
  const inputs: tf.NamedTensorMap = {};
  target.forEach((t, v) => {
    inputs[`t${v}`] = t;
    inputs[`o${v}`] = online[v];
  });
  return tf.engine().runKernel(emaKernelName, inputs, { momentum, count: target.length }) as tf.Tensor[];
}
