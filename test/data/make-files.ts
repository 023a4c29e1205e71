// Builders of small files in the real formats, for the data tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary folder and a function removing it. */
export function tempDir(label: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `sslmem-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An IDX file of unsigned bytes with the given dims and data (header written from dims). */
export function idxBytes(dims: number[], data: Uint8Array, type = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** Bytes `0, 1, 2, ...` mod 256 (or a given function of the index). */
export function pattern(n: number, f: (i: number) => number = (i) => i): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = f(i) & 255;
  return out;
}

/**
 * CIFAR binary records: `labels[r]` holds the label byte(s) of record r; pixel
 * (channel c, row y, column x) of record r is `pixel(r, c, y, x)`.
 */
export function cifarBytes(labels: number[][], pixel: (r: number, c: number, y: number, x: number) => number): Uint8Array {
  const labelBytes = labels[0].length;
  const record = labelBytes + 3072;
  const out = new Uint8Array(labels.length * record);
  labels.forEach((ls, r) => {
    ls.forEach((l, j) => (out[r * record + j] = l));
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++) out[r * record + labelBytes + c * 1024 + y * 32 + x] = pixel(r, c, y, x) & 255;
  });
  return out;
}

/** STL-10 images as the site documents them: per image 3 planes, each column-major. */
export function stlBytes(n: number, pixel: (i: number, c: number, y: number, x: number) => number): Uint8Array {
  const out = new Uint8Array(n * 27648);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < 3; c++)
      for (let x = 0; x < 96; x++)
        for (let y = 0; y < 96; y++) out[i * 27648 + c * 9216 + x * 96 + y] = pixel(i, c, y, x) & 255;
  return out;
}

/** One tar entry to write. */
export interface TarInput {
  name: string;
  data?: Uint8Array;
  type?: '0' | '5' | '2' | 'L' | 'x';
  /** Use the ustar prefix field for names longer than 100 bytes. */
  usePrefix?: boolean;
}

/** A ustar archive (written here by hand from the POSIX layout) ending with two zero blocks. */
export function tarBytes(entries: TarInput[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const entry of entries) {
    const data = entry.data ?? new Uint8Array(0);
    const header = new Uint8Array(512);
    const put = (text: string, at: number, length: number): void => {
      const bytes = Buffer.from(text, 'utf8');
      if (bytes.length > length) throw new Error(`tar field too long: ${text}`);
      header.set(bytes, at);
    };
    let name = entry.name;
    if (entry.usePrefix) {
      const cut = name.lastIndexOf('/', name.length - 1);
      put(name.slice(0, cut), 345, 155);
      name = name.slice(cut + 1);
    }
    put(name, 0, 100);
    put('0000644\0', 100, 8);
    put('0000000\0', 108, 8);
    put('0000000\0', 116, 8);
    put(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 12);
    put('00000000000\0', 136, 12);
    put('        ', 148, 8);
    put(entry.type ?? '0', 156, 1);
    put('ustar\0', 257, 6);
    put('00', 263, 2);
    let sum = 0;
    for (const b of header) sum += b;
    put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
    blocks.push(header);
    blocks.push(data);
    const pad = (512 - (data.length % 512)) % 512;
    blocks.push(new Uint8Array(pad));
  }
  blocks.push(new Uint8Array(1024));
  return Buffer.concat(blocks);
}

/** A pax extended header body with one `path` record. */
export function paxPath(path: string): Uint8Array {
  const body = ` path=${path}\n`;
  let length = body.length + 1;
  while (`${length}${body}`.length !== length) length = `${length}${body}`.length;
  return Buffer.from(`${length}${body}`, 'utf8');
}
