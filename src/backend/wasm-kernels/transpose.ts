import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM, alloc, heap, offsetOf, run, inputsOf, type KernelArgs } from './kernel-utils';
import { stridedCopy, stridesOf } from './strided-copy';
import { simdFunctions, type SimdFunctions } from '../simd/simd-module';

/** Swapping the last two axes of 4-byte values, `[batch, rows, cols]` (else null). */
function lastTwoSwapped(x: tf.TensorInfo, perm: readonly number[]): [number, number, number] | null {
  const rank = perm.length;
  if (rank < 2 || (x.dtype !== 'float32' && x.dtype !== 'int32')) return null;
  for (let d = 0; d < rank - 2; d++) if (perm[d] !== d) return null;
  if (perm[rank - 2] !== rank - 1 || perm[rank - 1] !== rank - 2) return null;
  const rows = x.shape[rank - 2];
  const cols = x.shape[rank - 1];
  if (rows < 4 || cols < 4) return null;
  return [x.shape.slice(0, -2).reduce((a, b) => a * b, 1), rows, cols];
}

/** Side of the square tiles handed to the SIMD transpose. */
const TILE = 32;

/** Batched 2-D transposes: SIMD 4x4 tiles for the bulk, plain JavaScript for the fringe. */
function simdTranspose(backend: BackendWasm, simd: SimdFunctions, x: tf.TensorInfo, out: tf.TensorInfo, dims: [number, number, number]): void {
  const [batch, rows, cols] = dims;
  const rows4 = rows - (rows % 4);
  const cols4 = cols - (cols % 4);
  const xOffset = offsetOf(backend, x);
  const outOffset = offsetOf(backend, out);
  const src = heap(backend, x);
  const dst = heap(backend, out);
  for (let b = 0; b < batch; b++) {
    const base = b * rows * cols;
    // Tiles of TILE x TILE keep both sides in cache (power-of-two strides alias otherwise).
    for (let i0 = 0; i0 < rows4; i0 += TILE) {
      for (let j0 = 0; j0 < cols4; j0 += TILE) {
        const src0 = xOffset + (base + i0 * cols + j0) * 4;
        const dst0 = outOffset + (base + j0 * rows + i0) * 4;
        simd.transpose4(src0, dst0, Math.min(TILE, rows4 - i0), Math.min(TILE, cols4 - j0), cols, rows);
      }
    }
    for (let i = 0; i < rows; i++) {
      for (let j = i < rows4 ? cols4 : 0; j < cols; j++) dst[base + j * rows + i] = src[base + i * cols + j];
    }
  }
}

/**
 * `Transpose` for wasm: swaps of the last two axes by our SIMD 4x4 tiles, other
 * permutations as one strided copy on the heap. The shipped kernel indexes every element
 * through a generic offset formula (and is slower still from rank 5 on).
 */
export function transposeInfo(backend: BackendWasm, x: tf.TensorInfo, perm: readonly number[]): tf.TensorInfo {
  const outShape = perm.map((p) => x.shape[p]);
  const out = alloc(backend, outShape, x.dtype);
  const dims = lastTwoSwapped(x, perm);
  const simd = dims !== null ? simdFunctions(backend) : null;
  if (dims !== null && simd !== null) {
    simdTranspose(backend, simd, x, out, dims);
    return out;
  }
  const xStrides = stridesOf(x.shape);
  stridedCopy(heap(backend, x), 0, perm.map((p) => xStrides[p]), heap(backend, out), 0, outShape);
  return out;
}

/** Kernel function for `Transpose`. */
export function transpose(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = inputsOf(args, 'x');
  const perm = (args.attrs?.perm as number[]) ?? [];
  if (x.dtype === 'string' || x.dtype === 'complex64') return run(backend, tf.Transpose, args.inputs, args.attrs);
  return transposeInfo(backend, x, perm);
}

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const transposeConfig: tf.KernelConfig = { kernelName: tf.Transpose, backendName: WASM, kernelFunc: transpose as tf.KernelFunc };
