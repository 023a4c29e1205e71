/**
 * The measured peak of one core's matrix product, for the bench's "% of peak" column: a
 * 1024 x 1024 x 1024 `tf.matMul` on the backend as set up, on the native path (the BLAS
 * through the binding, where it loads) and on our WebAssembly SIMD product.
 */
import * as tf from '@tensorflow/tfjs-core';
import { nativeBlas, nativeBlasLabel, useNativeProducts } from './library';

/** GFLOP/s of the best of a few large products. */
function productGflops(size: number, repeats: number): number {
  const a = tf.randomUniform([size, size], -1, 1, 'float32', 1);
  const b = tf.randomUniform([size, size], -1, 1, 'float32', 2);
  let best = Infinity;
  try {
    for (let i = 0; i < repeats + 1; i++) {
      const t0 = performance.now();
      const c = tf.matMul(a, b);
      c.dataSync();
      const ms = performance.now() - t0;
      c.dispose();
      if (i > 0) best = Math.min(best, ms);
    }
  } finally {
    a.dispose();
    b.dispose();
  }
  return (2 * size ** 3) / best / 1e6;
}

/** Peak GFLOP/s on each path (null for the native one without the binding). */
export interface SgemmPeak {
  readonly native: number | null;
  readonly wasm: number;
  /** The BLAS behind the native path, e.g. `OpenBLAS 0.3.21 (SkylakeX)`. */
  readonly nativeLabel: string | null;
}

/** Measures both peaks on the current backend (1024^3 products, best of `repeats`). */
export function measureSgemmPeak(repeats = 5): SgemmPeak {
  const label = nativeBlasLabel();
  const previous = useNativeProducts(true);
  // One core's peak: the BLAS's thread count is the whole process's, and a worker of this
  // process (the DP rows at two threads) may have left it at two.
  const blas = nativeBlas();
  const threads = blas?.info().threads;
  blas?.setThreads(1);
  try {
    const native = label !== null ? productGflops(1024, repeats) : null;
    useNativeProducts(false);
    const wasm = productGflops(1024, Math.max(2, Math.floor(repeats / 2)));
    return { native, wasm, nativeLabel: label };
  } finally {
    useNativeProducts(previous);
    if (threads !== undefined) blas?.setThreads(threads);
  }
}
