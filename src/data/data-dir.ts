import { join, resolve } from 'node:path';

/**
 * The folder datasets live in: `$SSLMEM_DATA_DIR` when set, else `data/` under the
 * current working directory.
 */
export function dataRoot(): string {
  const fromEnv = process.env.SSLMEM_DATA_DIR;
  return resolve(fromEnv !== undefined && fromEnv.length > 0 ? fromEnv : 'data');
}

/** The default folder of one dataset: `<dataRoot()>/<name>`, e.g. `data/cifar10`. */
export function defaultDatasetDir(name: string): string {
  return join(dataRoot(), name);
}
