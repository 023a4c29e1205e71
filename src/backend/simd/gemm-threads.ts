import { Worker } from 'node:worker_threads';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backendMemory, simdModuleBytes } from './simd-module';

/**
 * Helper threads for our matrix product on the multi-threaded wasm backend: each is a
 * Node worker running its own instance of our SIMD module on the backend's shared memory.
 * The calling thread hands each helper a range of panels through a small shared control
 * block (no messages), computes its own range, and waits for theirs. The wasm backend's
 * own thread pool is idle meanwhile, so the product uses as many cores as the backend was
 * given. Helpers never keep the process alive.
 */

/** Control block slots (Int32): job number, done number, failure flag, then the arguments. */
const JOB = 0;
const DONE = 1;
const FAILED = 2;
const ARGS = 3;
const ARG_COUNT = 9;

/** The worker's code (CommonJS, evaluated): wait for a job, run `gemmRange`, signal. */
const workerSource = `
const { workerData } = require('node:worker_threads');
const { memory, bytes, control } = workerData;
const c = new Int32Array(control);
const gemmRange = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports.gemmRange;
let seen = 0;
for (;;) {
  Atomics.wait(c, ${JOB}, seen);
  const job = Atomics.load(c, ${JOB});
  if (job < 0) break;
  seen = job;
  try {
    gemmRange(${Array.from({ length: ARG_COUNT }, (_, i) => `c[${ARGS + i}]`).join(', ')});
  } catch (error) {
    Atomics.store(c, ${FAILED}, 1);
  }
  Atomics.store(c, ${DONE}, job);
  Atomics.notify(c, ${DONE});
}
`;

interface Helper {
  readonly control: Int32Array;
  readonly worker: Worker;
  job: number;
}

const pools = new WeakMap<WebAssembly.Memory, Helper[]>();

/**
 * `count` helpers bound to `backend`'s memory (started once per memory), or an empty list
 * when the memory is not shared (single-threaded backend).
 */
export function gemmHelpers(backend: BackendWasm, count: number): readonly Helper[] {
  const memory = backendMemory(backend);
  if (memory === undefined || count < 1 || !(memory.buffer instanceof SharedArrayBuffer)) return [];
  let helpers = pools.get(memory);
  if (helpers === undefined) {
    helpers = [];
    pools.set(memory, helpers);
  }
  const bytes = simdModuleBytes(true);
  while (helpers.length < count) {
    const control = new Int32Array(new SharedArrayBuffer(4 * (ARGS + ARG_COUNT)));
    const worker = new Worker(workerSource, { eval: true, workerData: { memory, bytes, control: control.buffer } });
    worker.unref();
    helpers.push({ control, worker, job: 0 });
  }
  return helpers.slice(0, count);
}

/** Starts `gemmRange(...args)` on a helper (returns at once). */
export function startOnHelper(helper: Helper, args: readonly number[]): void {
  const c = helper.control;
  for (let i = 0; i < ARG_COUNT; i++) c[ARGS + i] = args[i];
  helper.job += 1;
  Atomics.store(c, JOB, helper.job);
  Atomics.notify(c, JOB);
}

/** Waits for the helper's current job; throws if it failed or does not answer. */
export function waitForHelper(helper: Helper, timeoutMs = 120_000): void {
  const c = helper.control;
  const deadline = Date.now() + timeoutMs;
  for (let done = Atomics.load(c, DONE); done !== helper.job; done = Atomics.load(c, DONE)) {
    if (Date.now() > deadline) throw new Error(`matrix product helper thread did not finish job ${helper.job} within ${timeoutMs} ms`);
    Atomics.wait(c, DONE, done, 100);
  }
  if (Atomics.exchange(c, FAILED, 0) !== 0) throw new Error('matrix product helper thread failed (a WebAssembly trap in gemmRange)');
}
