import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ownerIsGone, tempOwner } from '../util/temp-files';

/** Something `sweepOutputs` restored or removed (or, in a dry run, would). */
export interface SweptOutput {
  readonly path: string;
  /** `removed` (an unfinished write), `restored` (a set moved aside, put back) or `completed` (a finished set swapped in). */
  readonly action: 'removed' | 'restored' | 'completed';
  readonly why: string;
}

/** Names of the sibling folders an output-set write of `<parent>/<name>` uses: staging, ready, old. */
export function outputSiblingPattern(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\.${escaped}\\.(new|ready|old)-[0-9a-f]{8}-\\d+-\\d+-\\d+$`);
}

/** Whether the process that made a temporary `.NAME.<pid>-<n>.tmp` (as older sslmem named them) or `.NAME.<tempTag>.tmp` is gone. */
function tempFileOwnerGone(name: string): boolean {
  const owner = tempOwner(name);
  if (owner !== undefined) return ownerIsGone(owner);
  const legacy = /\.(\d+)-\d+\.tmp$/.exec(name);
  if (legacy === null) return false;
  const pid = Number(legacy[1]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Finishes or undoes what writes of an output folder `dir` (`--out`) left behind when
 * their process was killed, and unless `dryRun` does it: a set staged and complete
 * (`.NAME.ready-*`) whose swap was cut off before it was renamed in is swapped in (the
 * new set); a set moved aside (`.NAME.old-*`) is put back when `dir` is missing, else
 * deleted; unfinished staging folders (`.NAME.new-*`) and temporary files `.*.tmp` inside
 * `dir` are deleted. Only temporaries of processes of this machine that are gone are
 * touched. Returns what it did, in order.
 */
export function sweepOutputs(dir: string, options: { dryRun?: boolean } = {}): SweptOutput[] {
  const dryRun = options.dryRun ?? false;
  const folder = resolve(dir);
  const parent = dirname(folder);
  const pattern = outputSiblingPattern(basename(folder));
  const done: SweptOutput[] = [];
  let present = existsSync(folder);
  const siblings = existsSync(parent)
    ? readdirSync(parent)
        .map((name) => ({ name, m: pattern.exec(name) }))
        .filter((s) => s.m !== null && ownerIsGone(tempOwner(s.name)!))
        .map((s) => ({ path: join(parent, s.name), kind: s.m![1] as 'new' | 'ready' | 'old' }))
    : [];
  const remove = (path: string, why: string) => {
    done.push({ path, action: 'removed', why });
    if (!dryRun) rmSync(path, { recursive: true, force: true });
  };
  for (const s of siblings.filter((x) => x.kind === 'ready')) {
    if (!present) {
      done.push({ path: s.path, action: 'completed', why: `a complete output set whose swap into ${folder} was cut off` });
      if (!dryRun) renameSync(s.path, folder);
      present = true;
    } else remove(s.path, 'a staged output set of a process that is gone (the folder has a complete set)');
  }
  for (const s of siblings.filter((x) => x.kind === 'old')) {
    if (!present) {
      done.push({ path: s.path, action: 'restored', why: `the previous output set of ${folder}, moved aside by a process that is gone` });
      if (!dryRun) renameSync(s.path, folder);
      present = true;
    } else remove(s.path, 'a replaced output set of a process that is gone');
  }
  for (const s of siblings.filter((x) => x.kind === 'new')) remove(s.path, 'an unfinished output set of a process that is gone');
  if (present || (dryRun && done.some((d) => d.action !== 'removed'))) {
    const inside = existsSync(folder) ? readdirSync(folder) : [];
    for (const name of inside) if (name.startsWith('.') && name.endsWith('.tmp') && tempFileOwnerGone(name)) remove(join(folder, name), 'an unfinished output file of a process that is gone');
  }
  return done;
}
