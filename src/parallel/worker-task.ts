/**
 * One unit of work for `runInWorkers`: the worker imports `module` and calls its export
 * `fn(args, context)`. `args` and the returned value cross threads by structured clone
 * (plain objects, arrays, numbers, strings, typed arrays, Maps; no functions, no tensors).
 */
export interface WorkerTask<A = unknown> {
  /** Absolute path of the module: compiled `.js`, or `.ts` (loaded through tsx). */
  readonly module: string;
  /** Name of the exported function to call. */
  readonly fn: string;
  /** First argument of `fn`, structured-cloned into the worker. */
  readonly args: A;
}

/** Second argument of a task function: who runs it and how it talks to the pool. */
export interface TaskContext {
  /** Position of the task in the list given to `runInWorkers`. */
  readonly taskIndex: number;
  /** Which worker of the pool runs it, 0-based. */
  readonly workerIndex: number;
  /** Reports progress in [0, 1] (clamped), with an optional short note; reaches `onProgress`. */
  progress(fraction: number, note?: string): void;
  /** Sends any structured-clone-able value to the pool's `onMessage`. */
  post(message: unknown): void;
}

/**
 * Signature of a function a task can name: called once per task in a worker thread with
 * the cloned `args`; its (awaited) result is cloned back to the caller.
 */
export type TaskFunction<A = unknown, R = unknown> = (args: A, context: TaskContext) => R | Promise<R>;
