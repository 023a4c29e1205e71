import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { threadId } from 'node:worker_threads';
import { hostTag, ownerIsGone, tempTag } from '../util/temp-files';
import { withStorageContext } from '../util/storage-error';

/** Who holds a run lock, as written in the lock file. */
export interface LockHolder {
  /** Host name of the machine. */
  readonly host: string;
  /** `hostTag()` of that machine. */
  readonly hostTag: string;
  readonly pid: number;
  readonly thread: number;
  /** What the holder computes (e.g. a job's label). */
  readonly label: string;
  /** When it took the lock (ISO time). */
  readonly since: string;
}

/** A held lock; `release` removes the lock file (when it is still this holder's). */
export interface RunLock {
  readonly path: string;
  readonly holder: LockHolder;
  release(): void;
}

/** Options of `acquireRunLock` and `tryRunLock`. */
export interface RunLockOptions {
  /** What the holder computes, written into the lock (e.g. `f seed 0`). */
  label?: string;
  /**
   * A lock of another machine counts as abandoned when its file's time is older than this
   * (ms); the holder touches it every `staleMs / 10`. Default 10 minutes. Locks of this
   * machine are abandoned when their process is gone.
   */
  staleMs?: number;
  /** How often a waiter looks again (ms). Default 1000. */
  pollMs?: number;
  /** Called when the lock is held by another process, once per holder, before waiting. */
  onWait?: (holder: LockHolder) => void;
  /** Called between polls: a truthy answer stops the wait (`acquireRunLock` returns undefined). */
  done?: () => boolean;
}

/** Default `RunLockOptions.staleMs`: 10 minutes. */
export const defaultLockStaleMs = 10 * 60 * 1000;

/** The holder recorded in a lock file, or undefined when it is unreadable (being written, or damaged). */
export function readLockHolder(path: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return typeof holder?.pid === 'number' && typeof holder.hostTag === 'string' ? holder : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the lock at `path` is abandoned: its holder's process on this machine is gone,
 * or (another machine's, or unreadable) its file has not been touched for `staleMs`.
 */
export function lockIsAbandoned(path: string, staleMs = defaultLockStaleMs): boolean {
  let mtime: number;
  try {
    mtime = statSync(path).mtimeMs;
  } catch {
    return false; // gone: nothing to take over
  }
  const holder = readLockHolder(path);
  if (holder !== undefined && holder.hostTag === hostTag()) {
    // This process's id, from before it started: a process gone whose id was reused.
    if (holder.pid === process.pid) return Date.parse(holder.since) < Date.now() - process.uptime() * 1000 - 1000;
    return ownerIsGone({ host: holder.hostTag, pid: holder.pid });
  }
  const grace = holder === undefined ? Math.min(staleMs, 10_000) : staleMs;
  return Date.now() - mtime > grace;
}

/**
 * Takes the lock at `path` if no one holds it (created with O_EXCL, so of two processes
 * exactly one succeeds), taking over an abandoned one; returns undefined when a live
 * holder has it. The holder's file is touched periodically while held (a heartbeat for
 * waiters on other machines of a shared folder).
 */
export function tryRunLock(path: string, options: RunLockOptions = {}): RunLock | undefined {
  const staleMs = options.staleMs ?? defaultLockStaleMs;
  const holder: LockHolder = { host: hostname(), hostTag: hostTag(), pid: process.pid, thread: threadId, label: options.label ?? '', since: new Date().toISOString() };
  const text = `${JSON.stringify(holder)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = withStorageContext({ path, what: 'a run lock', bytes: text.length }, () => {
        mkdirSync(dirname(path), { recursive: true });
        return openSync(path, 'wx');
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!lockIsAbandoned(path, staleMs)) return undefined;
      takeOver(path);
      continue;
    }
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    const heartbeat = setInterval(() => {
      try {
        const now = new Date();
        utimesSync(path, now, now);
      } catch {
        // released or taken over meanwhile
      }
    }, Math.max(1000, Math.floor(staleMs / 10)));
    heartbeat.unref();
    let released = false;
    return {
      path,
      holder,
      release() {
        if (released) return;
        released = true;
        clearInterval(heartbeat);
        const current = readLockHolder(path);
        if (current !== undefined && current.pid === holder.pid && current.thread === holder.thread && current.since === holder.since) rmSync(path, { force: true });
      },
    };
  }
  return undefined;
}

/**
 * Moves an abandoned lock aside and deletes it; a waiter that finds the lock renewed
 * meanwhile (another waiter took it over first) leaves the new one in place.
 */
function takeOver(path: string): void {
  let before: number;
  try {
    before = statSync(path).ino;
  } catch {
    return;
  }
  const aside = `${path}.old-${tempTag()}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else moved it
  }
  if (statSync(aside).ino !== before) {
    // We moved a fresh lock of another waiter: put it back unless a third one exists.
    try {
      linkSync(aside, path);
    } catch {
      // a newer lock is in place: drop this one
    }
  }
  rmSync(aside, { force: true });
}

/**
 * Waits for the lock at `path` and takes it: at once when free or abandoned, else after
 * the live holder releases it (polling every `pollMs`, `onWait` told who holds it). When
 * `done()` becomes true while waiting (e.g. the holder stored the result), returns
 * undefined without taking the lock.
 */
export async function acquireRunLock(path: string, options: RunLockOptions = {}): Promise<RunLock | undefined> {
  const pollMs = options.pollMs ?? 1000;
  let told = '';
  for (;;) {
    if (options.done?.()) return undefined;
    const lock = tryRunLock(path, options);
    if (lock !== undefined) return lock;
    const holder = readLockHolder(path);
    const who = holder === undefined ? '' : `${holder.hostTag}:${holder.pid}:${holder.since}`;
    if (holder !== undefined && who !== told) {
      told = who;
      options.onWait?.(holder);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
