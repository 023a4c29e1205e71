import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';

let counter = 0;
let host: string | undefined;

/** 8 hex digits naming this machine (a hash of its host name), so temporaries can be traced to their owner. */
export function hostTag(): string {
  return (host ??= createHash('sha256').update(hostname()).digest('hex').slice(0, 8));
}

/**
 * A suffix for a temporary name that no other writer uses: `<host>-<pid>-<thread>-<n>`.
 * `tempOwner` reads the owner back from a name that contains it.
 */
export function tempTag(): string {
  return `${hostTag()}-${process.pid}-${threadId}-${counter++}`;
}

/** The temporary file for an atomic write of `path`: `.<name>.<tempTag>.tmp` beside it (hidden, so folder listings skip it). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${tempTag()}.tmp`);
}

/** The machine and process that made a temporary, read from its name; undefined when the name holds no `tempTag`. */
export function tempOwner(name: string): { host: string; pid: number } | undefined {
  const m = /([0-9a-f]{8})-(\d+)-(\d+)-(\d+)(?:\.tmp)?$/.exec(name);
  return m === null ? undefined : { host: m[1], pid: Number(m[2]) };
}

/**
 * Whether the process that made a temporary is certainly gone: it ran on this machine and
 * no process has its id any more. Owners on other machines (a shared folder) count as alive.
 */
export function ownerIsGone(owner: { host: string; pid: number }): boolean {
  if (owner.host !== hostTag() || owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
