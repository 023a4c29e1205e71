/** Options of `poolSizeFor`; every field is optional. */
export interface PoolSizeOptions {
  /** Number of tasks to run: never start more workers than tasks. Default: unbounded. */
  readonly tasks?: number;
  /** Memory available to the pool in bytes. Default: unbounded. */
  readonly memoryBytes?: number;
  /**
   * Memory one worker may need in bytes (a wasm backend can grow to 4 GB per worker).
   * Used only with `memoryBytes`. Default: 0 (no memory bound).
   */
  readonly memoryPerWorkerBytes?: number;
  /** Backend threads each worker uses; workers share the cores. Default: 1. */
  readonly threadsPerWorker?: number;
}

/** Defaults of `poolSizeFor`. */
export const defaultPoolSizeOptions: Required<PoolSizeOptions> = {
  tasks: Number.POSITIVE_INFINITY,
  memoryBytes: Number.POSITIVE_INFINITY,
  memoryPerWorkerBytes: 0,
  threadsPerWorker: 1,
};

/**
 * How many workers to run on `cores` cores: one single-threaded backend per core (on a
 * 2-core machine, two trainings side by side), fewer when `threadsPerWorker` > 1, when
 * there are fewer tasks, or when memory allows fewer; always at least 1.
 */
export function poolSizeFor(cores: number, options: PoolSizeOptions = {}): number {
  const o = { ...defaultPoolSizeOptions, ...options };
  const byCores = Math.floor(Math.max(1, Number.isFinite(cores) ? cores : 1) / Math.max(1, o.threadsPerWorker));
  const byMemory = o.memoryPerWorkerBytes > 0 ? Math.floor(o.memoryBytes / o.memoryPerWorkerBytes) : Number.POSITIVE_INFINITY;
  const byTasks = Math.floor(o.tasks);
  return Math.max(1, Math.min(byCores, byMemory, byTasks));
}
