import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { withStorageContextAsync } from '../util/storage-error';
import { tempPathFor } from '../util/temp-files';

const checkpointName = /^epoch-(\d+)\.safetensors$/;

/** Format of a checkpoint's record (`epoch-0005.record.json`). */
export const checkpointRecordFormat = 'sslmem-checkpoint-record/1';

/** Path of the checkpoint after `epoch` (1-based) in `dir`: `dir/epoch-0005.safetensors`. */
export function checkpointPath(dir: string, epoch: number): string {
  return join(dir, `epoch-${String(epoch).padStart(4, '0')}.safetensors`);
}

/** Path of the record (size and SHA-256) of the checkpoint at `path`: `epoch-0005.record.json` beside it. */
export function checkpointRecordPath(path: string): string {
  return path.replace(/\.safetensors$/, '.record.json');
}

/** What a checkpoint's record holds. */
export interface CheckpointRecord {
  readonly format: string;
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * Writes a checkpoint file atomically (a temporary file renamed into place), then its
 * record (`epoch-0005.record.json`: size and SHA-256, also written atomically), so a
 * resume can tell a sound checkpoint from one changed or cut short after the write.
 * A disk-full or permission fault names the file and its size (`StorageError`).
 */
export async function writeCheckpointFile(path: string, bytes: Uint8Array): Promise<void> {
  const record: CheckpointRecord = { format: checkpointRecordFormat, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
  await writeAtomic(path, bytes, `the checkpoint ${path.split(/[\\/]/).pop()}`);
  await writeAtomic(checkpointRecordPath(path), `${JSON.stringify(record)}\n`, 'a checkpoint record');
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

/** The record of the checkpoint at `path`, or a problem saying why there is none. */
export function readCheckpointRecord(path: string): CheckpointRecord | string {
  let text: string;
  try {
    text = readFileSync(checkpointRecordPath(path), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'it has no size and SHA-256 record (written by an older sslmem, or cut off before its record)';
    throw error;
  }
  try {
    const record = JSON.parse(text) as CheckpointRecord;
    if (record?.format === checkpointRecordFormat && Number.isInteger(record.bytes) && /^[0-9a-f]{64}$/.test(record.sha256)) return record;
  } catch {
    // reported below
  }
  return `its record ${checkpointRecordPath(path)} is not a ${checkpointRecordFormat} record (damaged)`;
}

/**
 * Checks a checkpoint file against its record: undefined when its size and SHA-256 are
 * those written, else what is wrong (`12 bytes, the record says 4096`).
 */
export async function verifyCheckpointFile(path: string): Promise<string | undefined> {
  const record = readCheckpointRecord(path);
  if (typeof record === 'string') return record;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'it is missing';
    throw error;
  }
  if (bytes.byteLength !== record.bytes) return `${bytes.byteLength} bytes, its record says ${record.bytes} (cut short or grown after the write)`;
  const found = createHash('sha256').update(bytes).digest('hex');
  if (found !== record.sha256) return `SHA-256 ${found.slice(0, 12)}..., its record says ${record.sha256.slice(0, 12)}... (changed after the write)`;
  return undefined;
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
  const epochs: number[] = [];
  for (const name of names) {
    const m = checkpointName.exec(name);
    if (m !== null && Number(m[1]) <= maxEpoch) epochs.push(Number(m[1]));
  }
  return epochs.sort((a, b) => a - b).map((epoch) => ({ path: checkpointPath(dir, epoch), epoch }));
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
