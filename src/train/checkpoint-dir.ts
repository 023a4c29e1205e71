import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { checkRecordedFile, fileRecordText, readFileRecord, recordPathOf, type FileRecord } from '../util/recorded-file';
import { withStorageContextAsync } from '../util/storage-error';
import { tempPathFor } from '../util/temp-files';
import { namesInDir } from '../util/list-dir';

const checkpointName = /^epoch-(\d+)\.safetensors$/;

/** Path of the checkpoint after `epoch` (1-based) in `dir`: `dir/epoch-0005.safetensors`. */
export function checkpointPath(dir: string, epoch: number): string {
  return join(dir, `epoch-${String(epoch).padStart(4, '0')}.safetensors`);
}

/**
 * Writes a checkpoint file atomically (a temporary file renamed into place), then its
 * record (`epoch-0005.record.json`: name, size and SHA-256, also written atomically), so a
 * resume can tell a sound checkpoint from one changed or cut short after the write.
 * A disk-full or permission fault names the file and its size (`StorageError`).
 */
export async function writeCheckpointFile(path: string, bytes: Uint8Array): Promise<void> {
  await writeAtomic(path, bytes, `the checkpoint ${basename(path)}`);
  await writeAtomic(recordPathOf(path), fileRecordText(path, bytes), `the record of checkpoint ${basename(path)}`);
}

async function writeAtomic(path: string, data: Uint8Array | string, what: string): Promise<void> {
  const temp = tempPathFor(path);
  await withStorageContextAsync({ path, what, bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength }, async () => {
    try {
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  });
}

/** The record of the checkpoint at `path` (see `readFileRecord`), or a problem saying why there is none. */
export function readCheckpointRecord(path: string): FileRecord | string {
  return readFileRecord(path);
}

/** Checks a checkpoint file against its record: undefined when sound, else what is wrong (see `checkRecordedFile`). */
export function checkCheckpointFile(path: string): string | undefined {
  return checkRecordedFile(path);
}

/** The async form of `checkCheckpointFile`. */
export async function verifyCheckpointFile(path: string): Promise<string | undefined> {
  return checkRecordedFile(path);
}

/** The checkpoints in `dir` (epochs up to `maxEpoch`), ascending by epoch; empty when `dir` does not exist. */
export function listCheckpointsSync(dir: string, maxEpoch = Infinity): Array<{ path: string; epoch: number }> {
  const names = namesInDir(dir);
  return checkpointsAmong(dir, names, maxEpoch);
}

function checkpointsAmong(dir: string, names: readonly string[], maxEpoch: number): Array<{ path: string; epoch: number }> {
  const epochs: number[] = [];
  for (const name of names) {
    const m = checkpointName.exec(name);
    if (m !== null && Number(m[1]) <= maxEpoch) epochs.push(Number(m[1]));
  }
  return epochs.sort((a, b) => a - b).map((epoch) => ({ path: checkpointPath(dir, epoch), epoch }));
}

/** The checkpoints in `dir` (epochs up to `maxEpoch`), ascending by epoch; empty when `dir` does not exist. */
export async function listCheckpoints(dir: string, maxEpoch = Infinity): Promise<Array<{ path: string; epoch: number }>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return checkpointsAmong(dir, names, maxEpoch);
}

/**
 * The checkpoint of the highest epoch in `dir` (at most `maxEpoch`), or undefined when
 * there is none or `dir` does not exist. Temporary files of interrupted writes are ignored.
 */
export async function latestCheckpoint(dir: string, maxEpoch = Infinity): Promise<{ path: string; epoch: number } | undefined> {
  const all = await listCheckpoints(dir, maxEpoch);
  return all[all.length - 1];
}

/** A checkpoint that failed its check. */
export interface DamagedCheckpoint {
  readonly path: string;
  readonly epoch: number;
  readonly problem: string;
}

/**
 * The checkpoint to resume from: the newest one (epoch at most `maxEpoch`) such that it
 * and every earlier checkpoint match their records, so that the training, continued from
 * it, writes again every damaged one on its way. Undefined when the first checkpoint is
 * damaged or there is none (start at epoch 0). `onDamaged` hears of the first damaged one.
 */
export async function soundCheckpoint(
  dir: string,
  maxEpoch = Infinity,
  onDamaged?: (damaged: DamagedCheckpoint) => void,
): Promise<{ path: string; epoch: number } | undefined> {
  let sound: { path: string; epoch: number } | undefined;
  for (const checkpoint of await listCheckpoints(dir, maxEpoch)) {
    const problem = await verifyCheckpointFile(checkpoint.path);
    if (problem !== undefined) {
      onDamaged?.({ ...checkpoint, problem });
      break;
    }
    sound = checkpoint;
  }
  return sound;
}

/** The highest checkpoint epoch in `dir` (0 when there is none or no such folder), read synchronously. */
export function latestCheckpointEpochSync(dir: string): number {
  return listCheckpointsSync(dir).at(-1)?.epoch ?? 0;
}
