import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM, alloc, borrow, free, heapF32, run, sizeOf, unborrow, view, inputsOf, type KernelArgs } from './kernel-utils';

/**
 * `BatchMatMul` and `_FusedMatMul` for wasm. The shipped kernels use XNNPACK only for a
 * plain 2-D product and fall back to scalar loops (30x slower) for any transpose or batch.
 * Here transposes are made explicit first, a weight shared over the batch becomes one big
 * 2-D product, and a true batch runs one XNNPACK product per batch entry.
 */

interface Operands {
  /** `[batchA, m, k]`, contiguous; `owned` when it is a temporary. */
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  ownedA: boolean;
  ownedB: boolean;
  batchA: number;
  batchB: number;
  m: number;
  k: number;
  n: number;
  /** Broadcast batch shape of the output. */
  batchShape: number[];
  aBatchShape: number[];
  bBatchShape: number[];
}

/** Brings `a` to `[batchA, m, k]` and `b` to `[batchB, k, n]` without transposes. */
function explicitOperands(
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): Operands {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const aBatchShape = a.shape.slice(0, -2);
  const bBatchShape = b.shape.slice(0, -2);
  const batchA = sizeOf(aBatchShape);
  const batchB = sizeOf(bBatchShape);
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) {
    throw new Error(
      `matMul: inner dimensions differ: a ${JSON.stringify(a.shape)} (transposeA=${transposeA}), ` +
        `b ${JSON.stringify(b.shape)} (transposeB=${transposeB})`,
    );
  }
  const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(aBatchShape, bBatchShape);
  const a3 = transposeA
    ? run(backend, tf.Transpose, { x: view(a, [batchA, k, m]) }, { perm: [0, 2, 1] })
    : view(a, [batchA, m, k]);
  const b3 = transposeB
    ? run(backend, tf.Transpose, { x: view(b, [batchB, n, k]) }, { perm: [0, 2, 1] })
    : view(b, [batchB, k, n]);
  return {
    a: a3, b: b3, ownedA: transposeA, ownedB: transposeB,
    batchA, batchB, m, k, n, batchShape, aBatchShape, bBatchShape,
  };
}

function releaseOperands(backend: BackendWasm, ops: Operands): void {
  if (ops.ownedA) free(backend, ops.a);
  if (ops.ownedB) free(backend, ops.b);
}

/** Index of the operand's batch entry for each output batch entry (broadcasting). */
function batchIndex(outShape: number[], inShape: number[]): Int32Array {
  const total = sizeOf(outShape);
  const index = new Int32Array(total);
  const rank = outShape.length;
  const padded = new Array<number>(rank - inShape.length).fill(1).concat(inShape);
  for (let i = 0; i < total; i++) {
    let rest = i;
    let flat = 0;
    let stride = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const coord = rest % outShape[d];
      rest = Math.floor(rest / outShape[d]);
      if (padded[d] !== 1) flat += coord * stride;
      stride *= padded[d];
    }
    index[i] = flat;
  }
  return index;
}

/**
 * Product of explicit operands. The 2-D cases go to XNNPACK in one call (`fused` adds
 * bias and activation there); a true batch loops over its entries.
 */
function product(
  backend: BackendWasm,
  ops: Operands,
  fused?: { bias?: tf.TensorInfo; prelu?: tf.TensorInfo; attrs: tf.NamedAttrMap },
): tf.TensorInfo {
  const { m, k, n, batchA, batchB } = ops;
  const outShape = [...ops.batchShape, m, n];
  if (batchB === 1) {
    // Weight shared over the batch (or no batch): one [batchA*m, k] x [k, n] product.
    const a = view(ops.a, [1, batchA * m, k]);
    const b = view(ops.b, [1, k, n]);
    const attrs = { transposeA: false, transposeB: false };
    const out = fused
      ? run(backend, tf._FusedMatMul, withOptional({ a, b }, fused), { ...fused.attrs, ...attrs })
      : run(backend, tf.BatchMatMul, { a, b }, attrs);
    return view(out, outShape);
  }
  const plain = batchedProduct(backend, ops, outShape);
  if (fused == null) return plain;
  return applyBiasAndActivation(backend, plain, fused);
}

function withOptional(
  inputs: tf.NamedTensorInfoMap,
  fused: { bias?: tf.TensorInfo; prelu?: tf.TensorInfo },
): tf.NamedTensorInfoMap {
  const out: tf.NamedTensorInfoMap = { ...inputs };
  if (fused.bias != null) out.bias = fused.bias;
  if (fused.prelu != null) out.preluActivationWeights = fused.prelu;
  return out;
}

/** One XNNPACK product per output batch entry, on borrowed slices (no copies in). */
function batchedProduct(backend: BackendWasm, ops: Operands, outShape: number[]): tf.TensorInfo {
  const { m, k, n } = ops;
  const total = sizeOf(ops.batchShape);
  const ia = batchIndex(ops.batchShape, ops.aBatchShape);
  const ib = batchIndex(ops.batchShape, ops.bBatchShape);
  const out = alloc(backend, outShape);
  for (let i = 0; i < total; i++) {
    const a = borrow(backend, ops.a, ia[i] * m * k, [1, m, k]);
    const b = borrow(backend, ops.b, ib[i] * k * n, [1, k, n]);
    const part = run(backend, tf.BatchMatMul, { a, b }, { transposeA: false, transposeB: false });
    heapF32(backend, out).set(heapF32(backend, part), i * m * n);
    free(backend, part);
    unborrow(backend, a, b);
  }
  return out;
}

/** Adds a bias and applies a fused activation with the shipped elementwise kernels. */
function applyBiasAndActivation(
  backend: BackendWasm,
  x: tf.TensorInfo,
  fused: { bias?: tf.TensorInfo; prelu?: tf.TensorInfo; attrs: tf.NamedAttrMap },
): tf.TensorInfo {
  let y = x;
  if (fused.bias != null) {
    const added = run(backend, tf.Add, { a: y, b: fused.bias });
    free(backend, y);
    y = added;
  }
  const activation = (fused.attrs.activation as string | undefined) ?? 'linear';
  let activated: tf.TensorInfo | null = null;
  switch (activation) {
    case 'linear':
      break;
    case 'relu':
      activated = run(backend, tf.Relu, { x: y });
      break;
    case 'relu6':
      activated = run(backend, tf.Relu6, { x: y });
      break;
    case 'sigmoid':
      activated = run(backend, tf.Sigmoid, { x: y });
      break;
    case 'elu':
      activated = run(backend, tf.Elu, { x: y });
      break;
    case 'leakyrelu':
      activated = run(backend, tf.LeakyRelu, { x: y }, { alpha: fused.attrs.leakyreluAlpha ?? 0.2 });
      break;
    case 'prelu':
      activated = run(backend, tf.Prelu, { x: y, alpha: fused.prelu as tf.TensorInfo });
      break;
    default:
      throw new Error(`_FusedMatMul: activation ${activation} is not supported on wasm`);
  }
  if (activated == null) return y;
  free(backend, y);
  return activated;
}

/** `BatchMatMul`: `a [..., m, k] x b [..., k, n]` (optionally transposed), batch dims broadcast. */
export function batchMatMul(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { a, b } = inputsOf(args, 'a', 'b');
  const attrs = args.attrs ?? {};
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    return run(backend, tf.BatchMatMul, args.inputs, attrs);
  }
  const ops = explicitOperands(backend, a, b, attrs.transposeA === true, attrs.transposeB === true);
  try {
    return product(backend, ops);
  } finally {
    releaseOperands(backend, ops);
  }
}

/** `_FusedMatMul`: `activation(a x b + bias)` with explicit transposes. */
export function fusedMatMul(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { a, b } = inputsOf(args, 'a', 'b');
  const { bias, preluActivationWeights } = args.inputs;
  const attrs = args.attrs ?? {};
  const ops = explicitOperands(backend, a, b, attrs.transposeA === true, attrs.transposeB === true);
  try {
    return product(backend, ops, { bias, prelu: preluActivationWeights, attrs });
  } finally {
    releaseOperands(backend, ops);
  }
}

/** Kernel configs registered by `registerWasmTrainingKernels`. */
export const batchMatMulConfig: tf.KernelConfig = { kernelName: tf.BatchMatMul, backendName: WASM, kernelFunc: batchMatMul as tf.KernelFunc };
export const fusedMatMulConfig: tf.KernelConfig = { kernelName: tf._FusedMatMul, backendName: WASM, kernelFunc: fusedMatMul as tf.KernelFunc };
