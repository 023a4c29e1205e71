import type { RunCodec } from './run-codec';
import { StorageError } from '../util/storage-error';
import { runStore, type RunStore } from './run-store';

/** Options of `cached`: the codec, plus where and whether to reuse. */
export interface CachedOptions<T> extends RunCodec<T> {
  /** The store; `runStore()` (root `$SSLMEM_RUNS` or `runs`) by default. */
  store?: RunStore;
  /** Compute again and replace the stored run. Default false. */
  refresh?: boolean;
}

/**
 * The stored value of `kind` for `config` if there is one (decoded), else `compute()`,
 * stored atomically and returned. Nothing is stored when `compute` or `encode` throws.
 * When the store cannot take the value (disk full, no permission: a `StorageError`) the
 * value is still returned, and the store's `warn` says why it was not kept.
 * Two processes computing the same key concurrently both succeed; the first complete
 * run stays (`refresh` replaces it).
 */
export async function cached<T>(kind: string, config: unknown, compute: () => T | Promise<T>, options: CachedOptions<T>): Promise<T> {
  const store = options.store ?? runStore();
  if (!options.refresh) {
    const run = store.get(kind, config);
    if (run) {
      try {
        return await options.decode(run);
      } catch (e) {
        throw new Error(`cached: could not decode the stored run ${run.dir} (delete it to recompute): ${(e as Error).message}`, { cause: e });
      }
    }
  }
  const value = await compute();
  const files = await options.encode(value);
  try {
    store.put(kind, config, files, { replace: options.refresh ?? false });
  } catch (error) {
    // The value is computed and sound: the caller gets it even when the store cannot keep it.
    if (!(error instanceof StorageError)) throw error;
    store.warn(`${error.message}; using the computed value without storing it (it will be computed again next time)`);
  }
  return value;
}
