import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { adamFunction, type AdamSimd } from './adam-simd';
import { columnSumFunction, type ColumnSumSimd } from './column-sum-simd';
import { gemmRangeFunction, gemmTilesFunction, pack4Function, pack8Function, type GemmRangeSimd, type GemmTilesSimd, type Pack4Simd, type Pack8Simd } from './gemm-simd';
import { geluFunction, geluGradFunction, type GeluGradSimd, type GeluSimd } from './gelu-simd';
import { maxPoolGrad2x2RowFunction, type MaxPoolGrad2x2RowSimd } from './max-pool-grad-simd';
import { transpose4Function, type Transpose4Simd } from './transpose-simd';
import { setFlagsFromString } from 'node:v8';
import { emitModule, i32, op } from './wasm-emit';

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
  readonly gemmTiles: GemmTilesSimd;
  readonly gemmRange: GemmRangeSimd;
  readonly pack4: Pack4Simd;
  readonly pack8: Pack8Simd;
  readonly gelu: GeluSimd;
  readonly geluGrad: GeluGradSimd;
}

/** The module's bytes (its memory import shared or not, as the backend's memory is). */
function simdModuleBytes(sharedMemory: boolean, fma = relaxedSimdAvailable()): Uint8Array {
  const functions = [adamFunction(), maxPoolGrad2x2RowFunction(), columnSumFunction(), transpose4Function(), gemmTilesFunction(fma)];
  const tilesIndex = functions.length - 1;
  functions.push(gemmRangeFunction(tilesIndex), pack4Function(), pack8Function(), geluFunction(), geluGradFunction());
  return emitModule(functions, sharedMemory);
}

let relaxed: boolean | undefined;

/**
 * Whether WebAssembly relaxed SIMD compiles here (for the fused multiply-add of our
 * matrix product). Node 22 has it by default; Node 20's V8 has it behind a flag, which is
 * turned on for this process the first time (it only adds instructions to WebAssembly).
 * `SSLMEM_FMA=0` keeps the separate multiply and add.
 */
export function relaxedSimdAvailable(): boolean {
  if (relaxed === undefined) {
    const probe = emitModule([{ name: 'f', params: [i32], locals: [], body: [...op.get(0), ...op.get(0), ...op.v128LoadAt(0), ...op.get(0), ...op.v128LoadAt(0), ...op.get(0), ...op.v128LoadAt(0), ...op.f32x4RelaxedMadd, ...op.v128StoreAt(0)] }], false);
    const compiles = (): boolean => {
      try {
        new WebAssembly.Module(probe);
        return true;
      } catch {
        return false;
      }
    };
    relaxed = process.env.SSLMEM_FMA !== '0' && (compiles() || (setFlagsFromString('--experimental-wasm-relaxed-simd'), compiles()));
  }
  return relaxed;
}

/** The backend's wasm memory, or undefined when it cannot be reached. */
function backendMemory(backend: BackendWasm): WebAssembly.Memory | undefined {
  const module = backend.wasm as unknown as { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  const memory = module.wasmMemory ?? module.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

const compiled = new WeakMap<WebAssembly.Memory, SimdFunctions | null>();
let failure: string | null = null;

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
      const instance = new WebAssembly.Instance(new WebAssembly.Module(simdModuleBytes(shared)), { env: { memory } });
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
