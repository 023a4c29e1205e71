import { open, readFile, rename, unlink } from 'node:fs/promises';
import { InputError } from '../util/errors';
import { assertSafeKey } from '../util/safe-keys';
import { withStorageContextAsync } from '../util/storage-error';
import { tempPathFor } from '../util/temp-files';

/**
 * The safetensors file format (Hugging Face), the subset sslmem writes and reads:
 * an 8-byte little-endian u64 `N`, then `N` bytes of UTF-8 JSON
 * `{"__metadata__": {key: string}, name: {dtype, shape, data_offsets: [begin, end]}}`
 * padded with spaces to a multiple of 8 bytes, then the raw little-endian tensor bytes,
 * `data_offsets` counting from the first byte after the header. Python reads such a file
 * with `safetensors.torch.load_file(path)` or `safetensors.numpy.load_file(path)`.
 */

/** Element types sslmem stores: float32, int32, uint8. */
export type SafetensorsDtype = 'F32' | 'I32' | 'U8';

/** Typed array holding one tensor's elements in row-major order. */
export type SafetensorsData = Float32Array | Int32Array | Uint8Array;

/** One tensor: its shape and its elements (the dtype follows from the array type). */
export interface SafetensorsArray {
  readonly shape: readonly number[];
  readonly data: SafetensorsData;
}

/** Tensors by name; the order of the keys is kept where the format allows it. */
export type SafetensorsArrays = Record<string, SafetensorsArray>;

/** A decoded file: its tensors (in file order) and its string metadata. */
export interface SafetensorsContent {
  readonly arrays: SafetensorsArrays;
  readonly metadata: Record<string, string>;
}

/** Largest header accepted, as in the reference implementation (100 MB). */
export const maxSafetensorsHeaderBytes = 100_000_000;

const bytesPerElement: Record<SafetensorsDtype, number> = { F32: 4, I32: 4, U8: 1 };

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('sslmem safetensors: this code assumes a little-endian machine');
}

/** The safetensors dtype of a typed array. */
export function safetensorsDtypeOf(data: SafetensorsData): SafetensorsDtype {
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof Int32Array) return 'I32';
  if (data instanceof Uint8Array) return 'U8';
  throw new InputError('safetensors', 'a Float32Array, Int32Array or Uint8Array', describeValue(data));
}

function describeValue(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? String(value);
  return Array.isArray(value) ? `an array of length ${value.length}` : `a ${value.constructor?.name ?? 'object'}`;
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Encodes tensors and string metadata as safetensors bytes. Tensors are laid out
 * 4-byte types first (in the given order), then bytes, so every F32/I32 tensor starts at
 * an offset aligned to its element size.
 */
export function encodeSafetensors(arrays: SafetensorsArrays, metadata: Record<string, string> = {}): Uint8Array {
  const entries = Object.entries(arrays);
  for (const [name, array] of entries) {
    const where = `safetensors tensor "${name}"`;
    if (name === '' || name === '__metadata__') throw new InputError(where, 'a non-empty name other than __metadata__', JSON.stringify(name));
    const dtype = safetensorsDtypeOf(array.data);
    if (!Array.isArray(array.shape) || !array.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new InputError(`${where} shape`, 'a list of non-negative integers', JSON.stringify(array.shape));
    }
    const n = elementCount(array.shape);
    if (n !== array.data.length) {
      throw new InputError(`${where}`, `${n} ${dtype} elements for shape [${array.shape.join(', ')}]`, `${array.data.length}`);
    }
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new InputError(`safetensors metadata "${key}"`, 'a string', describeValue(value));
  }
  const ordered = [
    ...entries.filter(([, a]) => a.data.BYTES_PER_ELEMENT === 4),
    ...entries.filter(([, a]) => a.data.BYTES_PER_ELEMENT === 1),
  ];
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, array] of ordered) {
    const end = offset + array.data.byteLength;
    header[name] = { dtype: safetensorsDtypeOf(array.data), shape: [...array.shape], data_offsets: [offset, end] };
    offset = end;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerBytes + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerBytes, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerBytes);
  let at = 8 + headerBytes;
  for (const [, array] of ordered) {
    out.set(new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength), at);
    at += array.data.byteLength;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Decodes safetensors bytes, validating strictly: header length within the file, JSON
 * object header, known dtypes, integer shapes, offsets that match each tensor's size and
 * tile the data section exactly (contiguous, no gaps, no overlap, nothing left over).
 * `where` names the source in errors (e.g. the file path). Tensor data is copied.
 * @throws InputError naming `where`, the field, what was expected and what was found.
 */
export function decodeSafetensors(bytes: Uint8Array, where = 'safetensors bytes'): SafetensorsContent {
  if (bytes.length < 8) {
    throw new InputError(where, 'at least 8 bytes (the header length)', `${bytes.length} bytes (truncated file?)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const headerLength = hi * 4294967296 + lo;
  if (headerLength > maxSafetensorsHeaderBytes) {
    throw new InputError(`${where} header length`, `at most ${maxSafetensorsHeaderBytes} bytes`, `${headerLength} (not a safetensors file?)`);
  }
  if (8 + headerLength > bytes.length) {
    throw new InputError(`${where} header`, `${headerLength} bytes after the 8-byte length`, `${bytes.length - 8} bytes (truncated file?)`);
  }
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
    header = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${where} header`, 'UTF-8 JSON', `unparsable text (${(error as Error).message})`);
  }
  if (!isPlainObject(header)) throw new InputError(`${where} header`, 'a JSON object', describeValue(header));

  const metadata: Record<string, string> = {};
  const rawMetadata = header.__metadata__;
  if (rawMetadata !== undefined) {
    if (!isPlainObject(rawMetadata)) throw new InputError(`${where} __metadata__`, 'an object of strings', describeValue(rawMetadata));
    for (const [key, value] of Object.entries(rawMetadata)) {
      assertSafeKey(key, `${where} __metadata__`);
      if (typeof value !== 'string') throw new InputError(`${where} __metadata__ "${key}"`, 'a string', describeValue(value));
      metadata[key] = value;
    }
  }

  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors: Array<{ name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }> = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const at = `${where} tensor "${name}"`;
    assertSafeKey(name, `${where} tensor name`);
    if (!isPlainObject(info)) throw new InputError(at, 'an object {dtype, shape, data_offsets}', describeValue(info));
    const dtype = info.dtype;
    if (typeof dtype !== 'string' || !Object.hasOwn(bytesPerElement, dtype)) {
      throw new InputError(`${at} dtype`, `one of ${Object.keys(bytesPerElement).join(', ')}`, describeValue(dtype));
    }
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new InputError(`${at} shape`, 'a list of non-negative integers', describeValue(shape));
    }
    const offsets = info.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      throw new InputError(`${at} data_offsets`, '[begin, end] non-negative integers', describeValue(offsets));
    }
    const [begin, end] = offsets as [number, number];
    const size = elementCount(shape as number[]) * bytesPerElement[dtype as SafetensorsDtype];
    if (end - begin !== size) {
      throw new InputError(`${at} data_offsets`, `end - begin = ${size} bytes for ${dtype} [${shape.join(', ')}]`, `[${begin}, ${end}]`);
    }
    if (end > dataLength) {
      throw new InputError(`${at} data_offsets`, `end within the ${dataLength} data bytes`, `end ${end} (truncated file?)`);
    }
    tensors.push({ name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end });
  }
  const byOffset = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expectedBegin = 0;
  for (const t of byOffset) {
    if (t.begin !== expectedBegin) {
      throw new InputError(`${where} tensor "${t.name}" data_offsets`, `begin ${expectedBegin} (tensors contiguous, no gaps or overlaps)`, `begin ${t.begin}`);
    }
    expectedBegin = t.end;
  }
  if (expectedBegin !== dataLength) {
    throw new InputError(`${where} data`, `${expectedBegin} bytes of tensor data`, `${dataLength} bytes`);
  }

  const arrays: SafetensorsArrays = {};
  for (const t of tensors) {
    const copy = new Uint8Array(t.end - t.begin);
    copy.set(bytes.subarray(dataStart + t.begin, dataStart + t.end));
    const data = t.dtype === 'F32' ? new Float32Array(copy.buffer) : t.dtype === 'I32' ? new Int32Array(copy.buffer) : copy;
    arrays[t.name] = { shape: t.shape, data };
  }
  return { arrays, metadata };
}

/**
 * Writes a safetensors file atomically: the bytes go to a temporary file beside `path`,
 * are flushed to disk, and the file is then renamed over `path`. On any error the
 * temporary file is removed, so `path` is either its old content or the complete new one.
 */
export async function writeSafetensorsFile(
  path: string,
  arrays: SafetensorsArrays,
  metadata: Record<string, string> = {},
): Promise<void> {
  const bytes = encodeSafetensors(arrays, metadata);
  const temp = tempPathFor(path);
  await withStorageContextAsync({ path, what: 'a safetensors file', bytes: bytes.byteLength }, async () => {
    try {
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  });
}

/**
 * Reads and validates a safetensors file (see `decodeSafetensors`).
 * @throws InputError naming the file when it is missing, truncated or corrupt.
 */
export async function readSafetensorsFile(path: string): Promise<SafetensorsContent> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(path, 'a safetensors file', 'no such file');
    throw error;
  }
  return decodeSafetensors(bytes, path);
}
