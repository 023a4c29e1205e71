/** Backend set-up for the benchmark: the built library's `initBackend` (honours `SSLMEM_BACKEND`, `SSLMEM_THREADS`). */
import * as tf from '@tensorflow/tfjs-core';
import { describeBackend, initBackend } from './library';

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
}

/** Initialises tfjs for the benchmark; `threads` is passed on to `initBackend` when given. */
export async function setupBackend(threads?: number): Promise<BenchBackend> {
  tf.env().set('PROD', true);
  const info = await initBackend(threads === undefined ? {} : { threads });
  return { name: info.name, threads: info.threads, reason: info.reason, description: describeBackend(info) };
}
