import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { adamFunction, type AdamSimd } from './adam-simd';
import { columnSumFunction, type ColumnSumSimd } from './column-sum-simd';
import { maxPoolGrad2x2RowFunction, type MaxPoolGrad2x2RowSimd } from './max-pool-grad-simd';
import { transpose4Function, type Transpose4Simd } from './transpose-simd';
import { emitModule } from './wasm-emit';

/**
 * Our WebAssembly SIMD functions, compiled once per wasm backend memory and run directly
 * on it (they take byte offsets of tensors on the backend's heap). Each fills a gap of the
 * shipped kernels: work that would otherwise be many elementwise ops or a scalar loop.
 */
export interface SimdFunctions {
  readonly adam: AdamSimd;
  readonly maxPoolGrad2x2Row: MaxPoolGrad2x2RowSimd;
  readonly columnSum: ColumnSumSimd;
  readonly transpose4: Transpose4Simd;
}

const compiled = new WeakMap<WebAssembly.Memory, SimdFunctions | null>();
let failure: string | null = null;

/** The backend's wasm memory, or undefined when it cannot be reached. */
function backendMemory(backend: BackendWasm): WebAssembly.Memory | undefined {
  const module = backend.wasm as unknown as { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  const memory = module.wasmMemory ?? module.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

/**
 * The SIMD functions bound to `backend`'s memory, or null where WebAssembly SIMD or the
 * memory is not available; callers then take their plain JavaScript path
 * (`simdUnavailableReason` says why).
 */
export function simdFunctions(backend: BackendWasm): SimdFunctions | null {
  const memory = backendMemory(backend);
  if (memory === undefined) {
    failure = 'the wasm backend does not expose its memory';
    return null;
  }
  let fns = compiled.get(memory);
  if (fns === undefined) {
    try {
      const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const bytes = emitModule([adamFunction(), maxPoolGrad2x2RowFunction(), columnSumFunction(), transpose4Function()], shared);
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
      fns = instance.exports as unknown as SimdFunctions;
    } catch (error) {
      failure = `our SIMD module did not compile (${(error as Error).message})`;
      fns = null;
    }
    compiled.set(memory, fns);
  }
  return fns;
}

/** Why `simdFunctions` last returned null (null when it has not). */
export function simdUnavailableReason(): string | null {
  return failure;
}
