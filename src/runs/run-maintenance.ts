import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sweepOutputs } from '../io/sweep-outputs';
import { checkRecordedFile, recordedFiles, recordPathOf } from '../util/recorded-file';
import { lockIsAbandoned, readLockHolder, type LockHolder } from './run-lock';
import { staleness } from './provenance';
import type { RunStore } from './run-store';

/** One stored run (or work folder) as `verifyRuns` sees it. */
export interface RunReport {
  readonly kind: string;
  readonly key: string;
  /** `run` (a stored run) or `work` (the work folder of a training in progress or interrupted). */
  readonly part: 'run' | 'work';
  readonly dir: string;
  /**
   * `ok`; `damaged` (a file differs from its record, or is missing); `stale` (sound, but from
   * another library version or code); `busy` (a work folder whose training holds its lock).
   */
  readonly state: 'ok' | 'damaged' | 'stale' | 'busy';
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

/** The damaged recorded files of a work folder (a checkpoint changed or cut short after its write), with their problems. */
export function damagedWorkFiles(dir: string): Array<{ path: string; problem: string }> {
  const damaged: Array<{ path: string; problem: string }> = [];
  for (const path of recordedFiles(dir)) {
    const problem = checkRecordedFile(path);
    if (problem !== undefined) damaged.push({ path, problem });
  }
  return damaged;
}

/** Who holds the lock of a run by kind and key, when a live process does. */
function liveHolder(store: RunStore, kind: string, key: string): LockHolder | undefined {
  const lock = join(store.root, kind, `${key}.lock`);
  if (!existsSync(lock) || lockIsAbandoned(lock)) return undefined;
  return readLockHolder(lock) ?? { host: '?', hostTag: '', pid: 0, thread: 0, label: '', since: '' };
}

/**
 * Checks every run of the store: each file against the size and SHA-256 recorded at write
 * time, and whether today's library would compute it again (version and code, see
 * `staleness`); and every work folder of an interrupted training: each checkpoint against
 * its record (`part: 'work'`, reported when damaged or busy, i.e. training now). Changes nothing.
 */
export function verifyRuns(store: RunStore): RunReport[] {
  const reports: RunReport[] = [];
  for (const kind of store.kinds()) {
    for (const key of store.keys(kind)) {
      const dir = join(store.root, kind, key);
      const problem = store.check(kind, key);
      const stale = problem === undefined ? staleness(provenanceOf(store.configOf(kind, key))) : undefined;
      const state = problem !== undefined ? 'damaged' : stale !== undefined ? 'stale' : 'ok';
      reports.push({ kind, key, part: 'run', dir, state, ...(problem ?? stale ? { problem: problem ?? stale } : {}), bytes: pathBytes(dir) });
    }
    for (const key of store.workKeys(kind)) {
      const dir = store.workDirOf(kind, key);
      const holder = liveHolder(store, kind, key);
      if (holder !== undefined) {
        reports.push({ kind, key, part: 'work', dir, state: 'busy', problem: `being trained by pid ${holder.pid} on ${holder.host}`, bytes: pathBytes(dir) });
        continue;
      }
      const damaged = damagedWorkFiles(dir);
      if (damaged.length === 0) continue;
      const problem = damaged.map((d) => `checkpoint ${d.path.split(/[\\/]/).pop()}: ${d.problem}`).join('; ');
      reports.push({ kind, key, part: 'work', dir, state: 'damaged', problem: `${problem} (a resume falls back to the checkpoint before it)`, bytes: pathBytes(dir) });
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
  /** Also remove the work folders of interrupted trainings of today's code (they could be resumed) that no live process trains. Default false. */
  interrupted?: boolean;
  /** Output folders (`--out`) whose leftovers of killed writes to finish or undo (see `sweepOutputs`). */
  outs?: readonly string[];
}

/**
 * Removes what the store keeps for nothing: temporaries of processes that are gone,
 * damaged runs, damaged checkpoints of work folders (with their records: the resume would
 * skip them), locks of processes that are gone, and (unless `keepStale`) runs and
 * interrupted trainings made by another library version or other code, which today's keys
 * never reach. Interrupted trainings of today's code stay (the next attempt resumes them)
 * unless `interrupted`; a work folder whose training holds its lock is never touched.
 */
export function collectGarbage(store: RunStore, options: CollectGarbageOptions = {}): GarbageItem[] {
  const dryRun = options.dryRun ?? false;
  const items: GarbageItem[] = [];
  // Sizes first: a dry run and a real one report the same.
  for (const path of store.sweep({ dryRun: true })) items.push({ path, why: 'unfinished write of a process that is gone', bytes: pathBytes(path) });
  if (!dryRun) store.sweep();
  for (const r of verifyRuns(store)) {
    if (r.part !== 'run' || r.state === 'ok' || (r.state === 'stale' && options.keepStale)) continue;
    items.push({ path: r.dir, why: `${r.state}: ${r.problem}`, bytes: r.bytes });
    if (!dryRun) store.removeKey(r.kind, r.key);
  }
  for (const kind of store.kinds()) {
    for (const key of store.lockKeys(kind)) {
      const path = join(store.root, kind, `${key}.lock`);
      if (!lockIsAbandoned(path)) continue;
      items.push({ path, why: 'the lock of a process that is gone', bytes: pathBytes(path) });
      if (!dryRun) rmSync(path, { force: true });
    }
    for (const key of store.workKeys(kind)) {
      if (liveHolder(store, kind, key) !== undefined) continue;
      const path = store.workDirOf(kind, key);
      const why = staleness(provenanceOf(store.configOf(kind, key, 'work')));
      if ((why !== undefined && !options.keepStale) || options.interrupted) {
        const reason = why !== undefined ? `interrupted work that cannot be resumed: ${why}` : 'an interrupted training (--interrupted)';
        items.push({ path, why: reason, bytes: pathBytes(path) });
        if (!dryRun) store.removeWork(kind, key);
        continue;
      }
      for (const d of damagedWorkFiles(path)) {
        const record = recordPathOf(d.path);
        items.push({ path: d.path, why: `a damaged checkpoint of an interrupted training: ${d.problem}`, bytes: pathBytes(d.path) + pathBytes(record) });
        if (!dryRun) {
          rmSync(d.path, { force: true });
          rmSync(record, { force: true });
        }
      }
    }
  }
  for (const out of options.outs ?? []) {
    for (const s of sweepOutputs(out, { dryRun: true })) items.push({ path: s.path, why: `${s.action === 'removed' ? '' : `${s.action}: `}${s.why}`, bytes: s.action === 'removed' ? pathBytes(s.path) : 0 });
    if (!dryRun) sweepOutputs(out);
  }
  return items;
}
