// A tiny writer of MATLAB level-5 MAT-files for the data tests, written from the
// layout in MathWorks' "MAT-File Format" document (independently of src/data/mat.ts).
import { deflateSync } from 'node:zlib';

/** Storage types (miINT8 ...) by name, with their byte widths. */
const TYPES = {
  int8: [1, 1],
  uint8: [2, 1],
  int16: [3, 2],
  uint16: [4, 2],
  int32: [5, 4],
  uint32: [6, 4],
  single: [7, 4],
  double: [9, 8],
} as const;

/** Array classes (mxDOUBLE_CLASS ...) by name. */
const CLASSES = { cell: 1, struct: 2, char: 4, double: 6, single: 7, int8: 8, uint8: 9, int16: 10, uint16: 11, int32: 12, uint32: 13 } as const;

/** One variable to write. */
export interface MatVariableInput {
  name: string;
  /** MATLAB class (default: the storage type). */
  className?: keyof typeof CLASSES;
  dims: number[];
  /** How the real part is stored. */
  storage: keyof typeof TYPES;
  /** Values in MATLAB (column-major) order. */
  values: ArrayLike<number>;
}

/** Options of `matBytes`. */
export interface MatFileOptions {
  /** Write each variable inside an miCOMPRESSED element. */
  compressed?: boolean;
  /** Write a big-endian ('MI') file. */
  bigEndian?: boolean;
  /** Header version (default 0x0100). */
  version?: number;
}

/** A MAT v5 file holding the variables, in order. */
export function matBytes(variables: MatVariableInput[], options: MatFileOptions = {}): Uint8Array {
  const le = !options.bigEndian;
  const header = new Uint8Array(128).fill(0x20);
  header.set(Buffer.from('MATLAB 5.0 MAT-file, Platform: test, Created on: never', 'latin1'));
  const hv = new DataView(header.buffer);
  hv.setUint16(124, options.version ?? 0x0100, le);
  // The indicator is the 16-bit value 'M' << 8 | 'I' written in the file's byte order.
  hv.setUint16(126, 0x4d49, le);
  const parts: Uint8Array[] = [header];
  for (const v of variables) {
    const matrix = matrixElement(v, le);
    parts.push(options.compressed ? element(15, deflateSync(matrix), le, { pad: false }) : matrix);
  }
  return Buffer.concat(parts);
}

function matrixElement(v: MatVariableInput, le: boolean): Uint8Array {
  const flags = new Uint8Array(8);
  new DataView(flags.buffer).setUint32(0, CLASSES[v.className ?? (v.storage as keyof typeof CLASSES)], le);
  const dims = new Uint8Array(4 * v.dims.length);
  v.dims.forEach((d, i) => new DataView(dims.buffer).setInt32(4 * i, d, le));
  const [type, width] = TYPES[v.storage];
  const real = new Uint8Array(v.values.length * width);
  const view = new DataView(real.buffer);
  for (let i = 0; i < v.values.length; i++) {
    const x = v.values[i];
    switch (v.storage) {
      case 'int8': view.setInt8(i, x); break;
      case 'uint8': view.setUint8(i, x); break;
      case 'int16': view.setInt16(2 * i, x, le); break;
      case 'uint16': view.setUint16(2 * i, x, le); break;
      case 'int32': view.setInt32(4 * i, x, le); break;
      case 'uint32': view.setUint32(4 * i, x, le); break;
      case 'single': view.setFloat32(4 * i, x, le); break;
      case 'double': view.setFloat64(8 * i, x, le); break;
    }
  }
  const body = Buffer.concat([
    element(6, flags, le),
    element(5, dims, le),
    element(1, Buffer.from(v.name, 'latin1'), le, { small: true }),
    element(type, real, le, { small: true }),
  ]);
  return element(14, body, le);
}

/** A data element: small form (4-byte tag) when asked and the data fit in 4 bytes; else 8-byte tag, data, padding. */
export function element(type: number, data: Uint8Array, le: boolean, options: { small?: boolean; pad?: boolean } = {}): Uint8Array {
  if (options.small && data.length <= 4) {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setUint32(0, ((data.length << 16) | type) >>> 0, le);
    out.set(data, 4);
    return out;
  }
  const padded = options.pad === false ? data.length : Math.ceil(data.length / 8) * 8;
  const out = new Uint8Array(8 + padded);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, le);
  view.setUint32(4, data.length, le);
  out.set(data, 8);
  return out;
}

/**
 * SVHN-style `X` values, 32x32x3xN in MATLAB column-major order: entry
 * `r + 32 c + 1024 k + 3072 i` is `pixel(i, r, c, k)` (row r, column c, channel k of image i).
 */
export function svhnX(n: number, pixel: (i: number, r: number, c: number, k: number) => number): Uint8Array {
  const out = new Uint8Array(n * 3072);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < 3; k++)
      for (let c = 0; c < 32; c++)
        for (let r = 0; r < 32; r++) out[r + 32 * c + 1024 * k + 3072 * i] = pixel(i, r, c, k) & 255;
  return out;
}
