import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { InputError } from '../util/errors';

/** Options of `extractTar`. */
export interface ExtractTarOptions {
  /** Leading path components to drop from every entry (like `tar --strip-components`). Default 0. */
  strip?: number;
  /** Name of the archive, for error messages. */
  where?: string;
}

/** One extracted file. */
export interface TarFileEntry {
  /** Path relative to the destination folder. */
  path: string;
  /** Size in bytes. */
  bytes: number;
}

const BLOCK = 512;

/**
 * Extracts a tar archive (POSIX ustar, with GNU long names and pax `path`/`size` records)
 * read from `chunks` (e.g. a gunzip stream) into `destDir`. Writes regular files and
 * folders only; links and devices are skipped. Entry paths that are absolute or climb out
 * with `..` are rejected, as are bad header checksums and archives that end early.
 * Returns the files written.
 */
export async function extractTar(chunks: AsyncIterable<Uint8Array>, destDir: string, options: ExtractTarOptions = {}): Promise<TarFileEntry[]> {
  const strip = options.strip ?? 0;
  const where = options.where ?? 'tar archive';
  const written: TarFileEntry[] = [];
  const reader = blockReader(chunks);
  let longName: string | undefined;
  let paxPath: string | undefined;
  let paxSize: number | undefined;
  let blockIndex = 0;
  for (;;) {
    const header = await reader.read(BLOCK);
    if (header === undefined) throw new InputError(where, 'two zero blocks at the end of the archive', `an archive ending after ${blockIndex} blocks`);
    if (header.every((b) => b === 0)) break;
    const at = `${where} (header at byte ${blockIndex * BLOCK})`;
    verifyChecksum(header, at);
    const type = String.fromCharCode(header[156] || 0x30);
    const size = paxSize ?? parseNumber(header.subarray(124, 136), `${at} size`);
    const dataBlocks = Math.ceil(size / BLOCK);
    blockIndex += 1 + dataBlocks;
    if (type === 'L' || type === 'x' || type === 'g') {
      const body = await reader.read(dataBlocks * BLOCK);
      if (body === undefined) throw new InputError(at, `${size} bytes of entry data`, 'the end of the archive');
      const content = body.subarray(0, size);
      if (type === 'L') longName = cString(content);
      else if (type === 'x') ({ path: paxPath, size: paxSize } = parsePax(content, at));
      continue;
    }
    const name = paxPath ?? longName ?? headerName(header);
    longName = undefined;
    paxPath = undefined;
    paxSize = undefined;
    const relative = safeRelativePath(name, strip, at);
    if ((type === '0' || type === '7') && relative !== undefined) {
      const path = join(destDir, relative);
      await mkdir(dirname(path), { recursive: true });
      const handle = await open(path, 'w');
      try {
        await reader.pipe(size, handle, at);
      } finally {
        await handle.close();
      }
      await reader.skip(dataBlocks * BLOCK - size, at);
      written.push({ path: relative, bytes: size });
    } else {
      if (type === '5' && relative !== undefined) await mkdir(join(destDir, relative), { recursive: true });
      await reader.skip(dataBlocks * BLOCK, at);
    }
  }
  return written;
}

function headerName(header: Uint8Array): string {
  const name = cString(header.subarray(0, 100));
  const magic = cString(header.subarray(257, 263));
  const prefix = magic === 'ustar' ? cString(header.subarray(345, 500)) : '';
  return prefix.length > 0 ? `${prefix}/${name}` : name;
}

/** Relative path after stripping, or `undefined` when nothing is left (e.g. the top folder). */
function safeRelativePath(name: string, strip: number, at: string): string | undefined {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw new InputError(at, 'a relative entry path', JSON.stringify(name));
  const parts = name.split('/').filter((p) => p.length > 0 && p !== '.');
  if (parts.includes('..')) throw new InputError(at, "an entry path without '..'", JSON.stringify(name));
  const kept = parts.slice(strip);
  if (kept.length === 0) return undefined;
  const path = normalize(kept.join(sep));
  return path;
}

function verifyChecksum(header: Uint8Array, at: string): void {
  const stored = parseNumber(header.subarray(148, 156), `${at} checksum`);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  if (sum !== stored) throw new InputError(at, `a header checksum of ${sum}`, `${stored} (not a tar file, or corrupt)`);
}

/** Parses an octal field (NUL/space terminated) or a GNU base-256 number. */
function parseNumber(field: Uint8Array, at: string): number {
  if (field[0] & 0x80) {
    let value = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i];
    return value;
  }
  const text = cString(field).trim();
  if (text.length === 0) return 0;
  if (!/^[0-7]+$/.test(text)) throw new InputError(at, 'an octal number', JSON.stringify(text));
  return parseInt(text, 8);
}

function parsePax(content: Uint8Array, at: string): { path?: string; size?: number } {
  const text = Buffer.from(content).toString('utf8');
  const out: { path?: string; size?: number } = {};
  let i = 0;
  while (i < text.length) {
    const space = text.indexOf(' ', i);
    const length = parseInt(text.slice(i, space), 10);
    if (space < 0 || !(length > 0)) throw new InputError(at, 'pax records "<length> <key>=<value>\\n"', JSON.stringify(text.slice(i, i + 40)));
    const record = Buffer.from(text.slice(i)).subarray(0, length).toString('utf8');
    const body = record.slice(record.indexOf(' ') + 1, record.endsWith('\n') ? -1 : undefined);
    const eq = body.indexOf('=');
    const key = body.slice(0, eq);
    const value = body.slice(eq + 1);
    if (key === 'path') out.path = value;
    if (key === 'size') out.size = Number(value);
    i += record.length;
  }
  return out;
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(end < 0 ? bytes : bytes.subarray(0, end)).toString('utf8');
}

/** Reads exact byte counts from a stream of chunks. */
interface BlockReader {
  /** Exactly `n` bytes, or `undefined` when the stream ends first. */
  read(n: number): Promise<Uint8Array | undefined>;
  /** Writes the next `n` bytes to `handle`. */
  pipe(n: number, handle: FileHandle, at: string): Promise<void>;
  /** Skips the next `n` bytes. */
  skip(n: number, at: string): Promise<void>;
}

function blockReader(chunks: AsyncIterable<Uint8Array>): BlockReader {
  const iterator = chunks[Symbol.asyncIterator]();
  let pending: Uint8Array = new Uint8Array(0);
  let done = false;
  /** Up to `max` bytes (at least one), or `undefined` at the end of the stream. */
  const take = async (max: number): Promise<Uint8Array | undefined> => {
    while (pending.length === 0) {
      if (done) return undefined;
      const next = await iterator.next();
      if (next.done === true) {
        done = true;
        return undefined;
      }
      pending = next.value;
    }
    const chunk = pending.subarray(0, max);
    pending = pending.subarray(chunk.length);
    return chunk;
  };
  return {
    read: async (n) => {
      const parts: Uint8Array[] = [];
      let have = 0;
      while (have < n) {
        const chunk = await take(n - have);
        if (chunk === undefined) return undefined;
        parts.push(chunk);
        have += chunk.length;
      }
      return parts.length === 1 ? parts[0] : Buffer.concat(parts);
    },
    pipe: async (n, handle, at) => {
      let left = n;
      while (left > 0) {
        const chunk = await take(left);
        if (chunk === undefined) throw new InputError(at, `${n} bytes of file data`, `the archive ending ${left} bytes short`);
        await handle.write(chunk);
        left -= chunk.length;
      }
    },
    skip: async (n, at) => {
      let left = n;
      while (left > 0) {
        const chunk = await take(left);
        if (chunk === undefined) throw new InputError(at, `${n} more bytes`, 'the end of the archive');
        left -= chunk.length;
      }
    },
  };
}
