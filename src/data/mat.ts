import { inflateSync } from 'node:zlib';
import { InputError } from '../util/errors';

/**
 * A reader of MATLAB level-5 MAT-files (`save -v6` / `-v7`), for exactly what datasets
 * need: numeric arrays (real part), their names and dimensions. Layout, from MathWorks'
 * "MAT-File Format" document: a 128-byte header (text, subsystem offset, version 0x0100,
 * endian indicator 'IM' for little-endian, 'MI' for big-endian files), then data elements,
 * each an 8-byte tag (type, size; or the 4-byte "small element" form for at most 4 bytes)
 * padded to 8 bytes. An array is an miMATRIX element holding array flags, dimensions, name
 * and real (then imaginary) part; miCOMPRESSED elements hold a zlib stream of one element.
 * MATLAB 7.3 files (HDF5) are not this format and are refused.
 */

/** Classes of a MAT array (the array-flags class byte). */
export type MatClass =
  | 'cell' | 'struct' | 'object' | 'char' | 'sparse'
  | 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64'
  | 'function' | 'opaque' | 'unknown';

/** How numbers are stored in a data element; MATLAB may store a class in a narrower type (a double array of small integers as uint8). */
export type MatStorage = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'single' | 'double' | 'int64' | 'uint64';

/** Values of a numeric data element, in a typed array of its storage type (64-bit integers as doubles, exact below 2^53). */
export type MatValues = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/** One variable of a MAT-file. */
export interface MatArray {
  /** Variable name. */
  readonly name: string;
  /** Its MATLAB class. */
  readonly className: MatClass;
  /** Dimensions, MATLAB order (column-major: the first index varies fastest in `real`). */
  readonly dims: readonly number[];
  /** True when the array has an imaginary part (not read). */
  readonly complex: boolean;
  /** True for logical arrays. */
  readonly logical: boolean;
  /** The real part as stored, for numeric classes; `undefined` for cells, structs, chars, sparse arrays. */
  readonly real?: { readonly storage: MatStorage; readonly values: MatValues };
}

/** A parsed MAT-file: the header text and its variables in file order. */
export interface MatFile {
  /** The 116-byte descriptive text, trailing spaces and NULs removed. */
  readonly header: string;
  /** True when the file is little-endian ('IM'). */
  readonly littleEndian: boolean;
  readonly arrays: readonly MatArray[];
}

const MI_MATRIX = 14;
const MI_COMPRESSED = 15;

const STORAGE: Readonly<Record<number, { readonly name: MatStorage; readonly bytes: number }>> = {
  1: { name: 'int8', bytes: 1 },
  2: { name: 'uint8', bytes: 1 },
  3: { name: 'int16', bytes: 2 },
  4: { name: 'uint16', bytes: 2 },
  5: { name: 'int32', bytes: 4 },
  6: { name: 'uint32', bytes: 4 },
  7: { name: 'single', bytes: 4 },
  9: { name: 'double', bytes: 8 },
  12: { name: 'int64', bytes: 8 },
  13: { name: 'uint64', bytes: 8 },
};

const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'miINT8', 2: 'miUINT8', 3: 'miINT16', 4: 'miUINT16', 5: 'miINT32', 6: 'miUINT32', 7: 'miSINGLE', 9: 'miDOUBLE',
  12: 'miINT64', 13: 'miUINT64', 14: 'miMATRIX', 15: 'miCOMPRESSED', 16: 'miUTF8', 17: 'miUTF16', 18: 'miUTF32',
};

const CLASSES: readonly MatClass[] = [
  'unknown', 'cell', 'struct', 'object', 'char', 'sparse', 'double', 'single',
  'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'function', 'opaque',
];

const NUMERIC = new Set<MatClass>(['double', 'single', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

/** A data element's tag and where its data lie. */
interface Element {
  readonly type: number;
  readonly size: number;
  /** Offset of the first data byte. */
  readonly data: number;
  /** Offset of the next element (after padding). */
  readonly next: number;
}

/** Bytes being read, their endianness and how to name a position in errors. */
interface Region {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly le: boolean;
  /** Prefix of error locations, e.g. `train_32x32.mat` or `train_32x32.mat, compressed element at byte 128,`. */
  readonly where: string;
}

/**
 * Parses a MAT v5 file: checks the header (text `MATLAB`, version 0x0100, endian
 * indicator), walks the data elements checking each lies within the file, inflates
 * miCOMPRESSED elements, and returns every variable. Numeric values of type uint8 and
 * int8 are views into `bytes` (or into the inflated copy), wider types are copied.
 * Any problem throws an `InputError` naming `where` and the byte offset.
 */
export function readMatFile(bytes: Uint8Array, where: string): MatFile {
  if (bytes.length < 128) {
    throw new InputError(where, 'a MAT-file of at least 128 bytes (its header)', `${bytes.length} bytes`);
  }
  const header = latin1(bytes.subarray(0, 116));
  const endian = latin1(bytes.subarray(126, 128));
  if (!header.startsWith('MATLAB') || (endian !== 'IM' && endian !== 'MI')) {
    throw new InputError(where, "a MATLAB level-5 MAT-file (header text 'MATLAB 5.0 MAT-file', endian indicator 'IM' or 'MI')", `header ${JSON.stringify(header.slice(0, 24))}, endian indicator ${JSON.stringify(endian)}`);
  }
  const le = endian === 'IM';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(124, le);
  if (version !== 0x0100) {
    const hint = version === 0x0200 ? ' (a MATLAB 7.3 HDF5 file: resave it with `save -v7`)' : '';
    throw new InputError(where, 'MAT-file version 0x0100 (level 5)', `version 0x${version.toString(16).padStart(4, '0')}${hint}`);
  }
  const arrays: MatArray[] = [];
  readTopLevel({ bytes, view, le, where }, 128, bytes.length, arrays);
  return { header: header.replace(/[\s\0]+$/, ''), littleEndian: le, arrays };
}

/** The variable `name` of a parsed file; an `InputError` naming `where` when there is none. */
export function matVariable(file: MatFile, name: string, where: string): MatArray {
  const found = file.arrays.find((a) => a.name === name);
  if (found === undefined) {
    const names = file.arrays.map((a) => a.name);
    throw new InputError(where, `a variable named ${name}`, names.length === 0 ? 'no variables' : `the variables ${names.join(', ')}`);
  }
  return found;
}

function readTopLevel(region: Region, start: number, end: number, out: MatArray[]): void {
  let at = start;
  while (at < end) {
    const element = readTag(region, at, end);
    if (element.type === MI_MATRIX) {
      if (element.size > 0) out.push(readMatrix(region, element, at));
    } else if (element.type === MI_COMPRESSED) {
      let inflated: Uint8Array;
      try {
        const buffer = inflateSync(region.bytes.subarray(element.data, element.data + element.size));
        inflated = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      } catch (error) {
        throw new InputError(`${region.where} at byte ${at}`, `a complete zlib stream (miCOMPRESSED element of ${element.size} bytes)`, `a zlib error (${(error as Error).message})`);
      }
      const inner: Region = {
        bytes: inflated,
        view: new DataView(inflated.buffer, inflated.byteOffset, inflated.byteLength),
        le: region.le,
        where: `${region.where}, compressed element at byte ${at},`,
      };
      readTopLevel(inner, 0, inflated.length, out);
    }
    // Other top-level elements (none are written by MATLAB) are skipped.
    at = element.next;
  }
}

/** Reads the tag at `at`, checking the element's data lie before `end`. */
function readTag(region: Region, at: number, end: number): Element {
  const { view, le, where } = region;
  if (end - at < 8) throw new InputError(`${where} at byte ${at}`, 'an 8-byte data element tag', `${end - at} bytes (truncated)`);
  const first = view.getUint32(at, le);
  if (first >>> 16 !== 0) {
    // Small data element: size in the upper, type in the lower 16 bits; data in the tag's second half.
    const type = first & 0xffff;
    const size = first >>> 16;
    if (size > 4) throw new InputError(`${where} at byte ${at}`, 'a small data element of at most 4 bytes', `${size} bytes (${typeName(type)})`);
    return { type, size, data: at + 4, next: at + 8 };
  }
  const type = first;
  const size = view.getUint32(at + 4, le);
  const data = at + 8;
  if (size > end - data) {
    throw new InputError(`${where} at byte ${at}`, `${size} data bytes of a ${typeName(type)} element`, `${end - data} bytes left (truncated)`);
  }
  // miCOMPRESSED data are not padded; every other element is padded to a multiple of 8 bytes.
  const padded = type === MI_COMPRESSED ? size : Math.ceil(size / 8) * 8;
  return { type, size, data, next: Math.min(data + padded, end) };
}

function readMatrix(region: Region, matrix: Element, at: number): MatArray {
  const end = matrix.data + matrix.size;
  const where = `${region.where} miMATRIX at byte ${at}`;
  const sub = (offset: number, what: string, types: readonly number[]): Element => {
    if (offset >= end) throw new InputError(where, what, 'the end of the matrix');
    const element = readTag(region, offset, end);
    if (!types.includes(element.type)) {
      throw new InputError(`${where}, ${what}`, types.map(typeName).join(' or '), typeName(element.type));
    }
    return element;
  };
  const flags = sub(matrix.data, 'array flags', [6]);
  if (flags.size !== 8) throw new InputError(`${where}, array flags`, '8 bytes', `${flags.size} bytes`);
  const flagWord = region.view.getUint32(flags.data, region.le);
  const classId = flagWord & 0xff;
  const bits = (flagWord >>> 8) & 0xff;
  const className = CLASSES[classId] ?? 'unknown';
  // miINT32 per the format; some writers use miUINT32, which reads the same for sizes < 2^31.
  const dimsElement = sub(flags.next, 'dimensions', [5, 6]);
  if (dimsElement.size < 8 || dimsElement.size % 4 !== 0) {
    throw new InputError(`${where}, dimensions`, 'at least 2 int32 sizes', `${dimsElement.size} bytes`);
  }
  const dims: number[] = [];
  for (let i = 0; i < dimsElement.size / 4; i++) {
    const d = dimsElement.type === 5 ? region.view.getInt32(dimsElement.data + 4 * i, region.le) : region.view.getUint32(dimsElement.data + 4 * i, region.le);
    if (d < 0 || d > 0x7fffffff) throw new InputError(`${where}, dimensions`, 'sizes in 0..2^31-1', String(d));
    dims.push(d);
  }
  const nameElement = sub(dimsElement.next, 'array name', [1, 2, 16]);
  const name = latin1(region.bytes.subarray(nameElement.data, nameElement.data + nameElement.size));
  const base = { name, className, dims, complex: (bits & 0x08) !== 0, logical: (bits & 0x02) !== 0 };
  if (!NUMERIC.has(className)) return base;
  const realWhere = `${where}, variable ${name || '(unnamed)'}`;
  const real = sub(nameElement.next, `real part of variable ${name}`, Object.keys(STORAGE).map(Number));
  const storage = STORAGE[real.type];
  if (real.size % storage.bytes !== 0) {
    throw new InputError(realWhere, `a whole number of ${storage.bytes}-byte ${storage.name} values`, `${real.size} bytes`);
  }
  const count = real.size / storage.bytes;
  const expected = dims.reduce((a, b) => a * b, 1);
  if (count !== expected) {
    throw new InputError(realWhere, `${expected} values for dimensions ${dims.join('x')}`, `${count} ${storage.name} values`);
  }
  return { ...base, real: { storage: storage.name, values: readValues(region, real.data, count, storage.name) } };
}

function readValues(region: Region, at: number, n: number, storage: MatStorage): MatValues {
  const { bytes, view, le } = region;
  switch (storage) {
    case 'uint8':
      return bytes.subarray(at, at + n);
    case 'int8':
      return new Int8Array(bytes.buffer, bytes.byteOffset + at, n);
    case 'int16':
      return fill(new Int16Array(n), (i) => view.getInt16(at + 2 * i, le));
    case 'uint16':
      return fill(new Uint16Array(n), (i) => view.getUint16(at + 2 * i, le));
    case 'int32':
      return fill(new Int32Array(n), (i) => view.getInt32(at + 4 * i, le));
    case 'uint32':
      return fill(new Uint32Array(n), (i) => view.getUint32(at + 4 * i, le));
    case 'single':
      return fill(new Float32Array(n), (i) => view.getFloat32(at + 4 * i, le));
    case 'double':
      return fill(new Float64Array(n), (i) => view.getFloat64(at + 8 * i, le));
    case 'int64':
      return fill(new Float64Array(n), (i) => Number(view.getBigInt64(at + 8 * i, le)));
    case 'uint64':
      return fill(new Float64Array(n), (i) => Number(view.getBigUint64(at + 8 * i, le)));
  }
}

function fill<T extends MatValues>(out: T, value: (i: number) => number): T {
  for (let i = 0; i < out.length; i++) out[i] = value(i);
  return out;
}

function typeName(type: number): string {
  return TYPE_NAMES[type] ?? `type ${type}`;
}

function latin1(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}
