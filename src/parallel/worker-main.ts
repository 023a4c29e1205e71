/**
 * Body of each pool worker (loaded by the bootstrap in `run-in-workers.ts`): waits for
 * `run` messages, imports the task's module once per worker, calls the named export and
 * posts back its result or its error. Every worker is its own V8 isolate, so each one
 * gets a separate copy of tfjs (engine, backend, wasm memory).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { RunMessage, WorkerBootData, WorkerMessage } from './protocol';
import { serializeError } from './protocol';
import type { TaskContext, TaskFunction } from './worker-task';

const modules = new Map<string, Promise<Record<string, unknown>>>();

function isTypeScript(path: string): boolean {
  return /\.(c|m)?tsx?$/.test(path);
}

/** Imports `path` (through the tsx require hook for TypeScript), cached per worker. */
function loadModule(path: string): Promise<Record<string, unknown>> {
  let loaded = modules.get(path);
  if (loaded === undefined) {
    loaded = isTypeScript(path)
      ? Promise.resolve().then(() => require(path) as Record<string, unknown>)
      : (import(pathToFileURL(path).href) as Promise<Record<string, unknown>>);
    modules.set(path, loaded);
  }
  return loaded;
}

async function findFunction(module: string, fn: string): Promise<TaskFunction> {
  const ns = await loadModule(module);
  const direct = ns[fn];
  if (typeof direct === 'function') return direct as TaskFunction;
  const fallback = (ns.default as Record<string, unknown> | undefined)?.[fn];
  if (typeof fallback === 'function') return fallback as TaskFunction;
  const exported = Object.keys(ns).filter((k) => typeof ns[k] === 'function');
  throw new Error(
    `module ${module}: expected an exported function '${fn}', found ${
      exported.length > 0 ? `only ${exported.join(', ')}` : 'no exported functions'
    }`,
  );
}

/** Buffers of the typed arrays inside `value` (a few levels deep), to move instead of copy. */
function transferables(value: unknown, depth = 0, found = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (depth > 4 || value === null || typeof value !== 'object') return [...found];
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
  } else if (value instanceof ArrayBuffer) {
    found.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value.slice(0, 1000)) transferables(item, depth + 1, found);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const item of Object.values(value)) transferables(item, depth + 1, found);
  }
  return [...found];
}

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

async function run(message: RunMessage, workerIndex: number): Promise<void> {
  const { taskIndex } = message;
  const context: TaskContext = {
    taskIndex,
    workerIndex,
    progress: (fraction, note) => {
      const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
      post({ type: 'progress', taskIndex, fraction: clamped, ...(note !== undefined ? { note } : {}) });
    },
    post: (value) => post({ type: 'message', taskIndex, message: value }),
  };
  let value: unknown;
  try {
    const fn = await findFunction(message.module, message.fn);
    value = await fn(message.args, context);
  } catch (error) {
    post({ type: 'error', taskIndex, error: serializeError(error) });
    return;
  }
  try {
    post({ type: 'result', taskIndex, value }, transferables(value));
  } catch {
    // A buffer that cannot be moved (e.g. wasm memory): fall back to a plain copy.
    try {
      post({ type: 'result', taskIndex, value });
    } catch (error) {
      const { message: text, stack } = serializeError(error);
      post({
        type: 'error',
        taskIndex,
        error: { name: 'DataCloneError', message: `the task's result cannot be sent back (not structured-clone-able): ${text}`, stack },
      });
    }
  }
}

if (parentPort !== null) {
  const { workerIndex } = workerData as WorkerBootData;
  let chain = Promise.resolve();
  parentPort.on('message', (message: RunMessage) => {
    if (message?.type === 'run') chain = chain.then(() => run(message, workerIndex));
  });
}
