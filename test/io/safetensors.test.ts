import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensorsFile,
  writeSafetensorsFile,
  type SafetensorsArrays,
} from '../../src/io/safetensors';
import { InputError } from '../../src/util/errors';

const sample = (): SafetensorsArrays => ({
  bytes: { shape: [3], data: Uint8Array.from([1, 2, 255]) },
  weight: { shape: [2, 3], data: Float32Array.from([0.1, -2.5, Math.PI, -0, 1e-40, -Infinity]) },
  counts: { shape: [2], data: Int32Array.from([-7, 2147483647]) },
  empty: { shape: [0, 4], data: new Float32Array(0) },
  scalar: { shape: [], data: Float32Array.from([Number.NaN]) },
});

function sameBits(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Header JSON text and data bytes of encoded bytes, read with plain byte arithmetic. */
function split(bytes: Uint8Array): { n: number; text: string; data: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  return { n, text: new TextDecoder().decode(bytes.subarray(8, 8 + n)), data: bytes.subarray(8 + n) };
}

function withHeader(header: unknown, data: Uint8Array, pad = true): Uint8Array {
  let json = new TextEncoder().encode(JSON.stringify(header));
  if (pad) {
    const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors', () => {
  test('round trip is bit-exact for F32 (NaN, -0, subnormal, -inf), I32, U8, empty and scalar tensors', () => {
    const arrays = sample();
    const decoded = decodeSafetensors(encodeSafetensors(arrays, { a: 'x', 'b.c': '{"json": 1}' }));
    assert.deepEqual(decoded.metadata, { a: 'x', 'b.c': '{"json": 1}' });
    assert.deepEqual(Object.keys(decoded.arrays).sort(), Object.keys(arrays).sort());
    for (const [name, array] of Object.entries(arrays)) {
      const got = decoded.arrays[name];
      assert.deepEqual(got.shape, array.shape, name);
      assert.equal(got.data.constructor, array.data.constructor, name);
      assert.ok(sameBits(got.data, array.data), `${name} bits`);
    }
  });

  test('layout: u64 little-endian header length, 8-byte aligned, space padded, offsets into the data section', () => {
    const bytes = encodeSafetensors(sample(), { format: 'pt' });
    const { n, text, data } = split(bytes);
    assert.equal(n % 8, 0);
    assert.deepEqual([...bytes.subarray(4, 8)], [0, 0, 0, 0]);
    assert.ok(text.startsWith('{'));
    assert.match(text, /^\{.*\} *$/s);
    const header = JSON.parse(text);
    assert.deepEqual(header.__metadata__, { format: 'pt' });
    assert.deepEqual(header.weight, { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    assert.deepEqual(header.counts, { dtype: 'I32', shape: [2], data_offsets: [24, 32] });
    assert.deepEqual(header.empty, { dtype: 'F32', shape: [0, 4], data_offsets: [32, 32] });
    assert.deepEqual(header.scalar, { dtype: 'F32', shape: [], data_offsets: [32, 36] });
    assert.deepEqual(header.bytes, { dtype: 'U8', shape: [3], data_offsets: [36, 39] });
    assert.equal(data.length, 39);
    // little-endian float32 of 0.1 is cd cc cc 3d; int32 -7 is f9 ff ff ff
    assert.deepEqual([...data.subarray(0, 4)], [0xcd, 0xcc, 0xcc, 0x3d]);
    assert.deepEqual([...data.subarray(24, 28)], [0xf9, 0xff, 0xff, 0xff]);
    assert.deepEqual([...data.subarray(36)], [1, 2, 255]);
  });

  test('reads a file written by another writer (unpadded header, other key order)', () => {
    const data = new Uint8Array(new Float32Array([1, 2]).buffer);
    const bytes = withHeader({ b: { dtype: 'U8', shape: [0], data_offsets: [8, 8] }, a: { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] } }, data, false);
    const { arrays, metadata } = decodeSafetensors(bytes);
    assert.deepEqual(metadata, {});
    assert.deepEqual([...arrays.a.data], [1, 2]);
    assert.deepEqual(arrays.b.shape, [0]);
  });

  test('rejects truncated and corrupt input with InputErrors naming the field', () => {
    const good = encodeSafetensors(sample());
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['too short', good.subarray(0, 5), /expected at least 8 bytes.*found 5 bytes/],
      ['header cut', good.subarray(0, 20), /header: expected \d+ bytes after the 8-byte length, found 12 bytes/],
      ['data cut', good.subarray(0, good.length - 2), /data_offsets: expected end within|data: expected/],
      ['huge header length', Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 0, 0]), /header length: expected at most 100000000/],
      ['not json', withHeader('x', new Uint8Array(0)).fill(0x7b, 8, 9), /expected UTF-8 JSON/],
      ['array header', withHeader([1], new Uint8Array(0)), /header: expected a JSON object/],
      ['bad dtype', withHeader({ t: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), /tensor "t" dtype: expected one of F32, I32, U8, found "F64"/],
      ['bad shape', withHeader({ t: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor "t" shape/],
      ['size mismatch', withHeader({ t: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4)), /end - begin = 8 bytes/],
      [
        'gap',
        withHeader({ t: { dtype: 'U8', shape: [2], data_offsets: [2, 4] } }, new Uint8Array(4)),
        /tensor "t" data_offsets: expected begin 0 \(tensors contiguous/,
      ],
      [
        'overlap',
        withHeader(
          { s: { dtype: 'U8', shape: [4], data_offsets: [0, 4] }, t: { dtype: 'U8', shape: [2], data_offsets: [2, 4] } },
          new Uint8Array(4),
        ),
        /expected begin 4/,
      ],
      ['trailing bytes', withHeader({ t: { dtype: 'U8', shape: [2], data_offsets: [0, 2] } }, new Uint8Array(3)), /data: expected 2 bytes of tensor data, found 3 bytes/],
      ['metadata not strings', withHeader({ __metadata__: { a: 1 } }, new Uint8Array(0)), /__metadata__ "a": expected a string, found 1/],
    ];
    for (const [what, bytes, message] of cases) {
      assert.throws(() => decodeSafetensors(bytes, 'file.safetensors'), (e: unknown) => {
        assert.ok(e instanceof InputError, what);
        assert.match(e.message, /^file\.safetensors/, what);
        assert.match(e.message, message, what);
        return true;
      });
    }
  });

  test('a tensor or metadata key that reaches a prototype is refused, and a dtype must be one of ours', () => {
    const proto = withHeader(JSON.parse('{"__proto__": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}}'), new Uint8Array(1));
    assert.throws(() => decodeSafetensors(proto, 'file.safetensors'), (e: unknown) => e instanceof InputError && /^file\.safetensors tensor name: expected a field name other than __proto__, prototype, constructor/.test(e.message));
    const meta = withHeader(JSON.parse('{"__metadata__": {"constructor": "x"}}'), new Uint8Array(0));
    assert.throws(() => decodeSafetensors(meta, 'file.safetensors'), /file\.safetensors __metadata__: expected a field name other than .*found key "constructor"/);
    const dtype = withHeader({ t: { dtype: 'constructor', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1));
    assert.throws(() => decodeSafetensors(dtype, 'file.safetensors'), /tensor "t" dtype: expected one of F32, I32, U8, found "constructor"/);
  });

  test('rejects bad input to encode', () => {
    assert.throws(() => encodeSafetensors({ t: { shape: [3], data: new Float32Array(2) } }), /expected 3 F32 elements.*found 2/);
    assert.throws(() => encodeSafetensors({ __metadata__: { shape: [0], data: new Uint8Array(0) } }), InputError);
    assert.throws(() => encodeSafetensors({ t: { shape: [2], data: new Float64Array(2) as unknown as Float32Array } }), /Float32Array, Int32Array or Uint8Array/);
    assert.throws(() => encodeSafetensors({}, { a: 3 as unknown as string }), /metadata "a": expected a string/);
  });

  test('files: atomic write, read back, missing and truncated files name the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sslmem-st-'));
    try {
      const path = join(dir, 'a.safetensors');
      await writeSafetensorsFile(path, sample(), { k: 'v' });
      const back = await readSafetensorsFile(path);
      assert.equal(back.metadata.k, 'v');
      assert.ok(sameBits(back.arrays.weight.data, sample().weight.data));
      assert.deepEqual(await readdir(dir), ['a.safetensors']);

      // a failing write leaves the old file intact and no temporary file behind
      await assert.rejects(writeSafetensorsFile(path, { t: { shape: [5], data: new Float32Array(1) } }), InputError);
      await assert.rejects(writeSafetensorsFile(join(dir, 'missing-dir', 'b.safetensors'), sample()), /ENOENT/);
      assert.deepEqual(await readdir(dir), ['a.safetensors']);
      assert.equal((await readSafetensorsFile(path)).metadata.k, 'v');

      await assert.rejects(readSafetensorsFile(join(dir, 'nope.safetensors')), /nope\.safetensors: expected a safetensors file, found no such file/);
      const cut = join(dir, 'cut.safetensors');
      await writeFile(cut, (await readFile(path)).subarray(0, 100));
      await assert.rejects(readSafetensorsFile(cut), (e: unknown) => e instanceof InputError && e.message.startsWith(cut));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
