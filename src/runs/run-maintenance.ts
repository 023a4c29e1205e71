import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { staleness } from './provenance';
import type { RunStore } from './run-store';

/** One stored run as `verifyRuns` sees it. */
export interface RunReport {
  readonly kind: string;
  readonly key: string;
  readonly dir: string;
  /** `ok`; `damaged` (a file differs from its record, or is missing); `stale` (sound, but from another library version or code). */
  readonly state: 'ok' | 'damaged' | 'stale';
  /** What is wrong (damaged) or why it is stale. */
  readonly problem?: string;
  readonly bytes: number;
}

/** Bytes below a path (a file or a folder). */
export function pathBytes(path: string): number {
  const s = statSync(path, { throwIfNoEntry: false });
  if (s === undefined) return 0;
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, name) => sum + pathBytes(join(path, name)), 0);
}

function provenanceOf(config: unknown): unknown {
  return (config as { provenance?: unknown } | undefined)?.provenance;
}

/**
 * Checks every run of the store: each file against the size and SHA-256 recorded at write
 * time, and whether today's library would compute it again (version and code, see
 * `staleness`). Changes nothing.
 */
export function verifyRuns(store: RunStore): RunReport[] {
  const reports: RunReport[] = [];
  for (const kind of store.kinds()) {
    for (const key of store.keys(kind)) {
      const dir = join(store.root, kind, key);
      const problem = store.check(kind, key);
      const stale = problem === undefined ? staleness(provenanceOf(store.configOf(kind, key))) : undefined;
      const state = problem !== undefined ? 'damaged' : stale !== undefined ? 'stale' : 'ok';
      reports.push({ kind, key, dir, state, ...(problem ?? stale ? { problem: problem ?? stale } : {}), bytes: pathBytes(dir) });
    }
  }
  return reports;
}

/** Something `collectGarbage` removed (or, in a dry run, would remove). */
export interface GarbageItem {
  readonly path: string;
  readonly why: string;
  readonly bytes: number;
}

/** Options of `collectGarbage`. */
export interface CollectGarbageOptions {
  /** List what would be removed, remove nothing. Default false. */
  dryRun?: boolean;
  /** Keep runs (and work folders) of other library versions or code. Default false. */
  keepStale?: boolean;
}

/**
 * Removes what the store keeps for nothing: temporaries of processes that are gone,
 * damaged runs, and (unless `keepStale`) runs and interrupted trainings made by another
 * library version or other code, which today's keys never reach. Interrupted trainings of
 * today's code stay: the next attempt resumes them.
 */
export function collectGarbage(store: RunStore, options: CollectGarbageOptions = {}): GarbageItem[] {
  const dryRun = options.dryRun ?? false;
  const items: GarbageItem[] = [];
  // Sizes first: a dry run and a real one report the same.
  for (const path of store.sweep({ dryRun: true })) items.push({ path, why: 'unfinished write of a process that is gone', bytes: pathBytes(path) });
  if (!dryRun) store.sweep();
  for (const r of verifyRuns(store)) {
    if (r.state === 'ok' || (r.state === 'stale' && options.keepStale)) continue;
    items.push({ path: r.dir, why: `${r.state}: ${r.problem}`, bytes: r.bytes });
    if (!dryRun) store.removeKey(r.kind, r.key);
  }
  if (!options.keepStale) {
    for (const kind of store.kinds()) {
      for (const key of store.workKeys(kind)) {
        const why = staleness(provenanceOf(store.configOf(kind, key, 'work')));
        if (why === undefined) continue;
        const path = join(store.root, kind, `${key}.work`);
        items.push({ path, why: `interrupted work that cannot be resumed: ${why}`, bytes: pathBytes(path) });
        if (!dryRun) store.removeWork(kind, key);
      }
    }
  }
  return items;
}
