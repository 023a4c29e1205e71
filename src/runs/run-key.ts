import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { libraryVersion } from './library-version';

/** Options of `runKey`. */
export interface RunKeyOptions {
  /** Library version mixed into the key. Default: package.json's (`libraryVersion()`). */
  version?: string;
}

/**
 * The cache key of a run: hex SHA-256 of `sslmem@<version>` and the canonical JSON of
 * `config` (sorted keys), so key order does not matter and any changed value, or a new
 * library version, gives a new key. 64 hex characters.
 */
export function runKey(config: unknown, options: RunKeyOptions = {}): string {
  const version = options.version ?? libraryVersion();
  return createHash('sha256').update(`sslmem@${version}\n${canonicalJson(config)}`).digest('hex');
}
