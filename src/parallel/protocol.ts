/**
 * Messages between the pool (main thread) and its workers. Internal to src/parallel;
 * everything here is structured-clone-able.
 */

/** Pool -> worker: run one task. */
export interface RunMessage {
  readonly type: 'run';
  readonly taskIndex: number;
  readonly module: string;
  readonly fn: string;
  readonly args: unknown;
}

/** A thrown value, flattened so it crosses the thread boundary. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
}

/** Worker -> pool. */
export type WorkerMessage =
  | { readonly type: 'progress'; readonly taskIndex: number; readonly fraction: number; readonly note?: string }
  | { readonly type: 'message'; readonly taskIndex: number; readonly message: unknown }
  | { readonly type: 'result'; readonly taskIndex: number; readonly value: unknown }
  | { readonly type: 'error'; readonly taskIndex: number; readonly error: SerializedError };

/** What the bootstrap of each worker receives as `workerData`. */
export interface WorkerBootData {
  /** Absolute path of `tsx/cjs` to require first, when a `.ts` file must be loaded. */
  readonly tsxPath: string | null;
  /** Absolute path of the worker's main module (`worker-main.js` or `.ts`). */
  readonly mainPath: string;
  /** Position of this worker in the pool, 0-based. */
  readonly workerIndex: number;
}

/** Turns any thrown value into a `SerializedError`. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      stack: error.stack,
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  return { name: 'Error', message: String(error) };
}
