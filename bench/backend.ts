/** Backend set-up for the benchmark: the built library's `initBackend` (honours `SSLMEM_BACKEND`, `SSLMEM_THREADS`). */
import * as tf from '@tensorflow/tfjs-core';
import { describeBackend, initBackend, nativeProducts, nativeBlasLabel } from './library';

/** What the benchmark ran on. */
export interface BenchBackend {
  /** tfjs backend name, e.g. `wasm`. */
  readonly name: string;
  /** Compute threads the backend uses (tensorflow: 0 = its own pool). */
  readonly threads: number;
  /** `initBackend`'s reason for its choice. */
  readonly reason: string;
  /** `describeBackend`'s line: which kernels run (our SIMD module or not). */
  readonly description: string;
  /** Which matrix products run: `native` (the BLAS through the binding) or `wasm` (our SIMD products). */
  readonly path: 'native' | 'wasm';
  /** The kernel behind them: the BLAS, e.g. `OpenBLAS 0.3.21 (SkylakeX)`, or `our WebAssembly SIMD`. */
  readonly products: string;
}

/** Initialises tfjs for the benchmark; `threads` is passed on to `initBackend` when given. */
export async function setupBackend(threads?: number): Promise<BenchBackend> {
  tf.env().set('PROD', true);
  const info = await initBackend(threads === undefined ? {} : { threads });
  const native = info.name === 'wasm' && nativeProducts() !== null;
  return {
    name: info.name,
    threads: info.threads,
    reason: info.reason,
    description: describeBackend(info),
    path: native ? 'native' : 'wasm',
    products: native ? (nativeBlasLabel() ?? 'native BLAS') : info.name === 'wasm' ? 'our WebAssembly SIMD' : info.name,
  };
}
