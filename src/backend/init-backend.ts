import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { InputError } from '../util/errors';
import { backendIdentity, findConformanceRecord } from './conformance-record';
import { registerWasmTrainingKernels } from './wasm-kernels/register';
import { registerThreadedWasm, restoreSingleThreadedWasm } from './wasm-threads';
import { relaxedSimdAvailable, simdFunctions, simdUnavailableReason } from './simd/simd-module';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeProducts, productsClause, setNativeThreads } from './native/native-blas';
import { registerReduceGradients } from './reduce-gradients';

/**
 * Registers every gradient of tfjs-core. Its ES-module registration file cannot be loaded
 * by Node's CommonJS loader, so the compiled library uses the CommonJS bundle that
 * `npm run build` makes beside this file (scripts/bundle-gradients.mjs); running from the
 * TypeScript sources (tsx), the original file loads directly.
 */
function registerAllGradients(): void {
  const bundled = path.join(__dirname, 'register-gradients.cjs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (existsSync(bundled)) require(bundled);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  else require('@tensorflow/tfjs-core/dist/register_all_gradients');
  registerReduceGradients();
}
registerAllGradients();

/**
 * Backend requests. `auto` picks wasm (with our kernels), then cpu: the backends the
 * conformance suite checks in CI; it picks `@tensorflow/tfjs-node-gpu` or
 * `@tensorflow/tfjs-node` first only where that package passed the suite on this machine
 * (`npm run conformance -- --backend tensorflow-gpu`, a record in the user's cache).
 * `tensorflow-gpu` asks for tfjs-node-gpu; `tensorflow` for tfjs-node-gpu or tfjs-node,
 * whichever loads first (the name of earlier versions, kept).
 */
export type BackendChoice = 'auto' | 'tensorflow' | 'tensorflow-gpu' | 'wasm' | 'cpu';

/** Options of `initBackend`; each field overrides its environment variable. */
export interface BackendOptions {
  /** Which backend (env `SSLMEM_BACKEND`); default `auto`. */
  readonly backend?: BackendChoice;
  /** Threads for wasm (env `SSLMEM_THREADS`); default 1. Other backends ignore it. */
  readonly threads?: number;
}

/** What `initBackend` chose. */
export interface BackendInfo {
  /** tfjs backend name now active: `tensorflow`, `wasm` or `cpu`. */
  readonly name: string;
  /**
   * Threads the backend computes with (1 unless wasm runs threaded or the native products
   * run on several BLAS threads; tensorflow: 0 = its own pool).
   */
  readonly threads: number;
  /** Why this backend, e.g. which faster ones were not installed. */
  readonly reason: string;
  /** For `tensorflow`: the package that provides it (`@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node`). */
  readonly package?: string;
  /**
   * Whether this backend passed the conformance suite: `ci` (wasm and cpu, checked by the
   * project's CI), `this machine` (a record of a passing run here), `no` (never run here).
   */
  readonly conformance?: 'ci' | 'this machine' | 'no';
}

/** Defaults of `initBackend`. */
export const defaultBackendOptions: Required<BackendOptions> = { backend: 'auto', threads: 1 };

const CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'tensorflow-gpu', 'wasm', 'cpu'];

/** The packages of the native backends, GPU first. */
const GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';
const CPU_PACKAGE = '@tensorflow/tfjs-node';

/** The choice that asks for `pkg` alone (what to pass to `npm run conformance -- --backend`). */
function choiceOf(pkg: string): BackendChoice {
  return pkg === GPU_PACKAGE ? 'tensorflow-gpu' : 'tensorflow';
}

let current: { key: string; info: BackendInfo } | null = null;

/** Merges options over `SSLMEM_BACKEND` / `SSLMEM_THREADS` over the defaults, checking each. */
export function resolveBackendOptions(options: BackendOptions = {}, env: NodeJS.ProcessEnv = process.env): Required<BackendOptions> {
  const envBackend = env.SSLMEM_BACKEND?.trim().toLowerCase();
  const backend = options.backend ?? (envBackend ? (envBackend as BackendChoice) : defaultBackendOptions.backend);
  const where = options.backend != null ? 'initBackend options.backend' : 'SSLMEM_BACKEND';
  if (!CHOICES.includes(backend)) {
    throw new InputError(where, `one of ${CHOICES.join(', ')}`, JSON.stringify(backend));
  }
  const envThreads = env.SSLMEM_THREADS?.trim();
  const threads = options.threads ?? (envThreads ? Number(envThreads) : defaultBackendOptions.threads);
  if (!Number.isInteger(threads) || threads < 1) {
    const whereThreads = options.threads != null ? 'initBackend options.threads' : 'SSLMEM_THREADS';
    throw new InputError(whereThreads, 'an integer >= 1', JSON.stringify(options.threads ?? envThreads));
  }
  return { backend, threads };
}

/**
 * Picks and initialises the tfjs backend once per process and returns what it chose;
 * the caller may print `describeBackend(info)`. `auto` picks wasm with the training
 * kernels of `registerWasmTrainingKernels`, else cpu; before them
 * `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`, only where that package is
 * installed and has passed the conformance suite on this machine (same package version,
 * sslmem version and device; `conformanceRecordPath`). Calling it again with
 * the same request returns the same info (re-activating that backend if something else
 * was set meanwhile); a different request switches backend. All gradients are registered.
 *
 * `threads > 1` runs wasm's multi-threaded module (`registerThreadedWasm`), falling back to
 * one thread (said in `reason`) where it cannot start. Where the native products are in use,
 * the threads go to the BLAS instead and wasm's kernels run on one thread: beside a BLAS pool,
 * wasm's own pool made every step slower than one thread did (both pools spin on the same
 * cores), while the BLAS's second thread speeds up the products, most of a step. Changing the
 * wasm thread count later re-creates the wasm backend: tensors made on the previous one are lost.
 */
export async function initBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  const request = resolveBackendOptions(options);
  const key = `${request.backend}/${request.threads}/${nativeProducts() === null ? 'wasm' : 'native'}`;
  if (current != null && current.key === key) {
    if (tf.getBackend() !== current.info.name) await tf.setBackend(current.info.name);
    return current.info;
  }
  const info = await choose(request);
  current = { key, info };
  return info;
}

/**
 * The backend `initBackend` chose in this process (re-activated if something else was set
 * meanwhile), or a fresh `initBackend()` with the defaults and environment when it was never
 * called. Recipes call this, so they never switch away from a backend the caller chose.
 */
export async function ensureBackend(): Promise<BackendInfo> {
  if (current === null) return initBackend();
  if (tf.getBackend() !== current.info.name) await tf.setBackend(current.info.name);
  return current.info;
}

/** What `initBackend` last chose in this process, or undefined before its first call. */
export function activeBackend(): BackendInfo | undefined {
  return current?.info;
}

/**
 * One line saying which backend runs, e.g. `tfjs backend: wasm (1 thread) - auto: ...`; on
 * wasm it ends with which matrix products run (`products: OpenBLAS 0.3.21 (SkylakeX)
 * through the native binding`, or our SIMD products and why), and it warns when the backend
 * has not passed the conformance suite on this machine.
 */
export function describeBackend(info: BackendInfo): string {
  const threads = info.threads === 0 ? 'own thread pool' : `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  const products = info.name === 'wasm' ? `; ${productsClause()}` : '';
  const unverified =
    info.conformance === 'no'
      ? ` - NOT VERIFIED: ${info.package ?? info.name} has not passed the conformance suite on this machine (npm run conformance -- --backend ${info.package === undefined ? info.name : choiceOf(info.package)})`
      : '';
  return `tfjs backend: ${info.name} (${threads}) - ${info.reason}${products}${unverified}`;
}

async function choose(request: Required<BackendOptions>): Promise<BackendInfo> {
  const notes: string[] = [];
  if (request.backend === 'tensorflow' || request.backend === 'tensorflow-gpu') {
    const packages = request.backend === 'tensorflow' ? [GPU_PACKAGE, CPU_PACKAGE] : [GPU_PACKAGE];
    const loaded = loadTensorflow(packages, notes);
    if (loaded != null && (await tf.setBackend('tensorflow'))) {
      const identity = backendIdentity(loaded);
      const record = identity && findConformanceRecord(identity);
      const verdict = record ? `passed the conformance suite here on ${record.passedAt.slice(0, 10)}` : 'not yet checked by the conformance suite here';
      return { name: 'tensorflow', threads: 0, package: loaded, conformance: record ? 'this machine' : 'no', reason: `${request.backend}: ${[...notes, `${loaded} loaded`, verdict].join('; ')}` };
    }
    throw new InputError(`initBackend backend "${request.backend}"`, `${packages.join(' or ')} installed and loadable`, notes.join('; '));
  }
  if (request.backend === 'auto') {
    for (const pkg of [GPU_PACKAGE, CPU_PACKAGE]) {
      const identity = backendIdentity(pkg);
      if (identity === undefined) {
        notes.push(`${pkg} not installed`);
        continue;
      }
      const record = findConformanceRecord(identity);
      if (record === undefined) {
        notes.push(`${pkg} installed but not used: it has not passed the conformance suite on this machine (npm run conformance -- --backend ${choiceOf(pkg)})`);
        continue;
      }
      const loaded = loadTensorflow([pkg], notes);
      if (loaded != null && (await tf.setBackend('tensorflow'))) {
        return { name: 'tensorflow', threads: 0, package: loaded, conformance: 'this machine', reason: `auto: ${[...notes, `${loaded} passed the conformance suite here on ${record.passedAt.slice(0, 10)}`].join('; ')}` };
      }
      if (loaded != null) notes.push(`${loaded} loaded but its tensorflow backend failed to initialise`);
    }
  }
  if (request.backend === 'auto' || request.backend === 'wasm') {
    // With native products, the threads are the BLAS's and wasm's kernels run on one (see above).
    const blasThreads = nativeProducts() === null ? 0 : request.threads;
    const wasmThreads = await initWasm(blasThreads > 1 ? 1 : request.threads, notes);
    const threads = wasmThreads > 0 && blasThreads > 1 ? blasThreads : wasmThreads;
    if (blasThreads > 1 && wasmThreads > 0) notes.push(`the native products on ${blasThreads} BLAS threads, the other kernels on one`);
    if (threads > 0) {
      // The native products (where the binding loads) compute with as many BLAS threads as the backend has.
      setNativeThreads(threads);
      const simd = simdFunctions(tf.backend() as unknown as BackendWasm) !== null;
      const kernels = simd
        ? `wasm with training kernels and our SIMD matrix product${relaxedSimdAvailable() ? ' (fused multiply-add)' : ''}`
        : `wasm with training kernels, without our SIMD code (${simdUnavailableReason() ?? 'unavailable'})`;
      return { name: 'wasm', threads, conformance: 'ci', reason: `${request.backend}: ${[...notes, kernels].join('; ')}` };
    }
    if (request.backend === 'wasm') {
      throw new InputError('initBackend backend "wasm"', 'the wasm backend to initialise', notes.join('; '));
    }
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('initBackend: the cpu backend failed to initialise');
  quietCpu();
  return { name: 'cpu', threads: 1, conformance: 'ci', reason: `${request.backend}: ${[...notes, 'plain JavaScript cpu backend'].join('; ')}` };
}

/** Loads the first of `packages` (tfjs-node-gpu, tfjs-node) that is installed and loads; they register backend `tensorflow`. */
function loadTensorflow(packages: readonly string[], notes: string[]): string | null {
  for (const name of packages) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(name);
      if (tf.findBackendFactory('tensorflow') != null) return name;
      notes.push(`${name} loaded but registered no tensorflow backend`);
    } catch (error) {
      const code = (error as { code?: string }).code;
      const message = (error as Error).message.split('\n')[0];
      const missing = code === 'MODULE_NOT_FOUND' && message.includes(`'${name}'`);
      notes.push(missing ? `${name} not installed` : `${name} failed to load (${message})`);
    }
  }
  return null;
}

let wasmPathsSet = false;

/** Initialises wasm with the training kernels; returns its thread count, 0 on failure. */
async function initWasm(threads: number, notes: string[]): Promise<number> {
  if (!wasmPathsSet) {
    // Point the backend at its own .wasm files so no manual step is needed in Node.
    const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    setWasmPaths(dist + path.sep);
    wasmPathsSet = true;
  }
  registerWasmTrainingKernels();
  if (threads > 1) {
    try {
      await registerThreadedWasm(threads);
      if (await tf.setBackend('wasm')) {
        const actual = getThreadsCount();
        if (actual !== threads) notes.push(`${threads} threads asked, the wasm thread pool has ${actual}`);
        return actual;
      }
      notes.push('threaded wasm failed to initialise: 1 thread');
    } catch (error) {
      notes.push(`threaded wasm unavailable (${(error as Error).message}): 1 thread`);
    }
  }
  restoreSingleThreadedWasm();
  setThreadsCount(1);
  try {
    if (!(await tf.setBackend('wasm'))) {
      notes.push('wasm failed to initialise');
      return 0;
    }
  } catch (error) {
    notes.push(`wasm failed to initialise (${(error as Error).message})`);
    return 0;
  }
  return 1;
}

/** The cpu backend prints a hint to install tfjs-node on first use; library code stays silent. */
function quietCpu(): void {
  const backend = tf.backend() as unknown as { firstUse?: boolean };
  if (backend.firstUse === true) backend.firstUse = false;
}
