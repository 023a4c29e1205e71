import { InputError } from '../util/errors';

/** An array read from an IDX file: its dimensions and its unsigned bytes, row-major. */
export interface IdxArray {
  /** Sizes of the dimensions, e.g. `[60000, 28, 28]` for MNIST images, `[60000]` for labels. */
  readonly dims: readonly number[];
  /** `dims.reduce(*)` bytes, row-major (a view into the file's bytes, not a copy). */
  readonly data: Uint8Array;
}

/** What the caller expects of an IDX file; every field is optional. */
export interface IdxExpectation {
  /** Number of dimensions (3 for images, 1 for labels). */
  rank?: number;
  /** Size of the first dimension (the number of items). */
  count?: number;
  /** Sizes of the remaining dimensions, e.g. `[28, 28]`. */
  itemDims?: readonly number[];
}

const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'short',
  0x0c: 'int',
  0x0d: 'float',
  0x0e: 'double',
};

/**
 * Parses an IDX file (the format of MNIST, Fashion-MNIST and KMNIST): magic number
 * `00 00 08 rank`, then `rank` big-endian uint32 sizes, then the bytes.
 * Only unsigned-byte data (type 0x08) is supported. Checks the magic number, the rank and
 * sizes asked for in `expect`, and that the file holds exactly the bytes its header
 * announces; any mismatch throws an `InputError` naming `where`.
 */
export function readIdx(bytes: Uint8Array, where: string, expect: IdxExpectation = {}): IdxArray {
  if (bytes.length < 4) {
    throw new InputError(where, 'an IDX file of at least 4 bytes (magic number)', `${bytes.length} bytes`);
  }
  const magic = hex32(bytes, 0);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new InputError(where, 'an IDX magic number 0x0000TTRR (two zero bytes, type, rank)', `0x${magic}`);
  }
  const type = bytes[2];
  const rank = bytes[3];
  if (type !== 0x08) {
    const name = TYPE_NAMES[type] ?? 'an unknown type';
    throw new InputError(where, 'IDX data of type 0x08 (unsigned byte)', `type 0x${hex8(type)} (${name}) in magic number 0x${magic}`);
  }
  if (expect.rank !== undefined && rank !== expect.rank) {
    throw new InputError(
      where,
      `magic number 0x000008${hex8(expect.rank)} (unsigned bytes, ${expect.rank} dimension${expect.rank === 1 ? '' : 's'})`,
      `0x${magic} (${rank} dimension${rank === 1 ? '' : 's'})`,
    );
  }
  if (rank === 0) throw new InputError(where, 'an IDX rank of at least 1', `rank 0 in magic number 0x${magic}`);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new InputError(where, `${headerBytes} header bytes for ${rank} dimensions`, `${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims[0];
  const itemDims = dims.slice(1);
  if (expect.itemDims !== undefined && !sameDims(itemDims, expect.itemDims)) {
    throw new InputError(where, `items of ${formatDims(expect.itemDims)}`, `a header saying ${formatDims(itemDims)}`);
  }
  const dataBytes = dims.reduce((a, b) => a * b, 1);
  const expectedBytes = headerBytes + dataBytes;
  if (bytes.length !== expectedBytes) {
    throw new InputError(
      where,
      `${expectedBytes} bytes for ${describeItems(count, itemDims)} (header says ${count})`,
      `${bytes.length} bytes`,
    );
  }
  if (expect.count !== undefined && count !== expect.count) {
    throw new InputError(where, describeItems(expect.count, itemDims), `a header saying ${count}`);
  }
  return { dims, data: bytes.subarray(headerBytes, expectedBytes) };
}

function describeItems(count: number, itemDims: readonly number[]): string {
  if (itemDims.length === 0) return `${count} labels`;
  if (itemDims.length === 1) return `${count} vectors of ${itemDims[0]}`;
  return `${count} images of ${formatDims(itemDims)}`;
}

function formatDims(dims: readonly number[]): string {
  return dims.length === 0 ? 'scalars' : dims.join('x');
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function hex8(value: number): string {
  return value.toString(16).padStart(2, '0');
}

function hex32(bytes: Uint8Array, at: number): string {
  let out = '';
  for (let i = at; i < at + 4; i++) out += i < bytes.length ? hex8(bytes[i]) : '??';
  return out;
}
