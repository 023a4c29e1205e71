import * as tf from '@tensorflow/tfjs-core';
import { version_wasm, type BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { InputError } from '../util/errors';
import { activeBackend } from './init-backend';
import { relaxedSimdAvailable, simdFunctions } from './simd/simd-module';
import { wasmTrainingKernelsRegistered } from './wasm-kernels/register';
import { nativeBlasArithmetic, nativeProducts } from './native/native-blas';

/**
 * What decides how this process rounds: the backend and its kernel set. Two runs with the
 * same code, config and arithmetic give the same numbers; another arithmetic may differ in
 * the last bits (and then, over hundreds of epochs, everywhere). Part of every run key.
 */
export interface Arithmetic {
  /** The tfjs backend: `wasm`, `cpu` or `tensorflow`. */
  readonly backend: string;
  /** Version of tfjs-core (and, on wasm, of tfjs-backend-wasm), e.g. `4.22.0`. */
  readonly tfjs: string;
  /** wasm: whether our training kernels replace the shipped ones. */
  readonly kernels?: 'sslmem' | 'shipped';
  /** wasm: whether our SIMD module runs (matrix products, Adam, transposes, GELU). */
  readonly simd?: boolean;
  /** wasm with SIMD: whether products use fused multiply-add (relaxed SIMD). */
  readonly fma?: boolean;
  /**
   * wasm: the BLAS computing the matrix products through the native binding (name,
   * version, core: e.g. `OpenBLAS 0.3.21 SkylakeX`; with `on 2 threads` where it runs on
   * more than one, which rounds differently); absent when our SIMD products run.
   */
  readonly products?: string;
  /** tensorflow: the package providing it (GPU and CPU builds round differently). */
  readonly package?: string;
}

/**
 * The arithmetic of the backend that `initBackend` chose (call it first; wasm thread counts
 * are left out, as they do not change results).
 * @throws InputError before `initBackend`, or when another backend was set since.
 */
export function currentArithmetic(): Arithmetic {
  const info = activeBackend();
  const active = tf.getBackend();
  if (info === undefined || info.name !== active) {
    throw new InputError('currentArithmetic', 'a backend chosen by `await initBackend()` first', info === undefined ? 'initBackend never called' : `backend ${active} set after initBackend chose ${info.name}`);
  }
  if (info.name === 'wasm') {
    const simd = simdFunctions(tf.backend() as unknown as BackendWasm) !== null;
    const kernels = wasmTrainingKernelsRegistered() ? 'sslmem' : 'shipped';
    // Our products (hence the native ones in their place) run only with our kernels and SIMD.
    const products = kernels === 'sslmem' && simd && nativeProducts() !== null ? nativeBlasArithmetic() : null;
    return {
      backend: 'wasm',
      tfjs: `${tf.version_core}/wasm-${version_wasm}`,
      kernels,
      simd,
      fma: simd && relaxedSimdAvailable(),
      ...(products !== null ? { products } : {}),
    };
  }
  return info.package === undefined ? { backend: info.name, tfjs: tf.version_core } : { backend: info.name, tfjs: tf.version_core, package: info.package };
}
