import { readdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

const checkpointName = /^epoch-(\d+)\.safetensors$/;

/** Path of the checkpoint after `epoch` (1-based) in `dir`: `dir/epoch-0005.safetensors`. */
export function checkpointPath(dir: string, epoch: number): string {
  return join(dir, `epoch-${String(epoch).padStart(4, '0')}.safetensors`);
}

/**
 * The checkpoint of the highest epoch in `dir` (at most `maxEpoch`), or undefined when
 * there is none or `dir` does not exist. Temporary files of interrupted writes are ignored.
 */
export async function latestCheckpoint(dir: string, maxEpoch = Infinity): Promise<{ path: string; epoch: number } | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let best: number | undefined;
  for (const name of names) {
    const m = checkpointName.exec(name);
    if (m === null) continue;
    const epoch = Number(m[1]);
    if (epoch <= maxEpoch && (best === undefined || epoch > best)) best = epoch;
  }
  return best === undefined ? undefined : { path: checkpointPath(dir, best), epoch: best };
}

/** The highest checkpoint epoch in `dir` (0 when there is none or no such folder), read synchronously. */
export function latestCheckpointEpochSync(dir: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  return names.reduce((best, name) => {
    const m = checkpointName.exec(name);
    return m === null ? best : Math.max(best, Number(m[1]));
  }, 0);
}
