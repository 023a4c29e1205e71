import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/**
 * Multi-threaded wasm in Node. tfjs-backend-wasm never uses its threaded build in Node
 * (its flag says no threads there) and would hand Emscripten `blob:` worker URLs that
 * Node cannot load. Here the threaded module is built with file paths (the worker script
 * is written once to the temp folder), wrapped in tfjs's own `BackendWasm` and registered
 * as backend `wasm` in place of the single-threaded factory.
 *
 * The module caps its thread pool at half of `os.cpus().length` (read once at start-up),
 * so during start-up only, `os.cpus()` reports `2 * threads` entries.
 *
 * Caveats: the threaded build hangs instead of throwing when it would pass the 4 GB wasm
 * memory limit (bound batch sizes); its worker threads are unref'd so the process can
 * exit; the single-threaded factory is put back if anything fails.
 */

interface ThreadedModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  PThread?: { unusedWorkers?: { unref(): void }[]; runningWorkers?: { unref(): void }[]; pthreads?: Record<string, { unref(): void }> };
  tfjs?: unknown;
}

type Factory = (config: Record<string, unknown>) => Promise<ThreadedModule>;

const PACKAGE = '@tensorflow/tfjs-backend-wasm';
const THREADED = 'tfjs-backend-wasm-threaded-simd';

/** Whether this JavaScript engine can run wasm threads (shared memory, workers). */
export function wasmThreadsSupported(): boolean {
  const wasm = (globalThis as { WebAssembly?: { Memory: new (d: object) => unknown } }).WebAssembly;
  if (typeof SharedArrayBuffer === 'undefined' || wasm == null) return false;
  try {
    new wasm.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

/** Writes the Emscripten pthread worker script (shipped as a string) to a file once. */
function workerFile(packageDir: string, version: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { wasmWorkerContents } = require(path.join(packageDir, 'wasm-out', `${THREADED}.worker.js`)) as { wasmWorkerContents: string };
  // The script is shipped inside a template literal, whose evaluation turned the `\n`
  // escapes of its string literals into newlines: put them back (as tfjs does for blobs).
  const contents = wasmWorkerContents.replace(/\n/g, '\\n');
  const file = path.join(os.tmpdir(), `sslmem-${THREADED}-${version}-${process.getuid?.() ?? 'user'}.worker.js`);
  let current: string | null = null;
  try {
    current = fs.readFileSync(file, 'utf8');
  } catch {
    current = null;
  }
  if (current !== contents) {
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, contents);
    fs.renameSync(temp, file);
  }
  return file;
}

/** Lets the process exit while the wasm worker threads idle. */
export function unrefWasmWorkers(module: unknown): void {
  const pthread = (module as ThreadedModule).PThread;
  if (pthread == null) return;
  for (const w of pthread.unusedWorkers ?? []) w.unref();
  for (const w of pthread.runningWorkers ?? []) w.unref();
  for (const w of Object.values(pthread.pthreads ?? {})) w.unref();
}

/**
 * Instantiates the threaded wasm module with file paths and registers it as backend
 * `wasm` with `threads` XNNPACK threads (the caller then runs `tf.setBackend('wasm')`).
 * Rejects (after `timeoutMs`) if the module cannot start; the previous `wasm` factory is
 * then registered again.
 */
export async function registerThreadedWasm(threads: number, timeoutMs = 30000): Promise<void> {
  if (registeredThreads === threads) return;
  if (!wasmThreadsSupported()) throw new Error('this JavaScript engine has no wasm threads');
  const packageDir = path.dirname(require.resolve(`${PACKAGE}/package.json`));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const version = (require(`${PACKAGE}/package.json`) as { version: string }).version;
  const mainScript = path.join(packageDir, 'wasm-out', `${THREADED}.js`);
  const wasmFile = path.join(packageDir, 'dist', `${THREADED}.wasm`);
  const worker = workerFile(packageDir, version);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const factory = require(mainScript) as Factory;
  let timer: NodeJS.Timeout | undefined;
  // The module caps its pool at half of os.cpus().length, read once while it starts:
  // report enough cores for `threads` during that window only.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeOs = require('node:os') as { cpus: typeof os.cpus };
  const cpus = nodeOs.cpus;
  const fakeCount = Math.max(2 * threads, cpus().length);
  nodeOs.cpus = () => {
    const real = cpus();
    return Array.from({ length: fakeCount }, (_, i) => real[i % Math.max(1, real.length)]);
  };
  const module = await Promise.race([
    factory({
      mainScriptUrlOrBlob: mainScript,
      locateFile: (file: string) => (file.endsWith('.worker.js') ? worker : file.endsWith('.wasm') ? wasmFile : path.join(packageDir, 'wasm-out', file)),
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`threaded wasm did not start within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
    }),
  ]).finally(() => {
    clearTimeout(timer);
    nodeOs.cpus = cpus;
  });
  unrefWasmWorkers(module);
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  setThreadsCount(threads);
  const previous = restoreFactory ?? tf.findBackendFactory('wasm');
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    () => {
      const backend = new BackendWasm(module as unknown as ConstructorParameters<typeof BackendWasm>[0]);
      unrefWasmWorkers(module);
      return backend;
    },
    2,
  );
  restoreFactory = previous;
  registeredThreads = threads;
}

let restoreFactory: (() => tf.KernelBackend | Promise<tf.KernelBackend>) | null = null;
let registeredThreads = 0;

/** Puts back the single-threaded `wasm` factory that `registerThreadedWasm` replaced. */
export function restoreSingleThreadedWasm(): void {
  if (restoreFactory == null) return;
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', restoreFactory, 2);
  restoreFactory = null;
  registeredThreads = 0;
  setThreadsCount(1);
}
