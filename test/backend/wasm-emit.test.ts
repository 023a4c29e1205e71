import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { emitModule, f32, i32, op, sleb, uleb } from '../../src/backend/simd/wasm-emit';

describe('WebAssembly binary writer', () => {
  test('LEB128 encodings', () => {
    assert.deepEqual(uleb(0), [0]);
    assert.deepEqual(uleb(127), [127]);
    assert.deepEqual(uleb(128), [0x80, 0x01]);
    assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
    assert.deepEqual(sleb(-1), [0x7f]);
    assert.deepEqual(sleb(63), [0x3f]);
    assert.deepEqual(sleb(64), [0xc0, 0x00]);
    assert.deepEqual(sleb(-123456), [0xc0, 0xbb, 0x78]);
  });

  test('a module of ours validates and runs on an imported memory (plain and shared)', () => {
    // scale(ptr, count, factor): x[i] *= factor, 4 floats per step
    const body = [
      ...op.block, ...op.loop,
      ...op.get(3), ...op.get(1), ...op.i32GeU, ...op.brIf(1),
      ...op.get(0), ...op.get(3), ...op.i32Add,
      ...op.get(0), ...op.get(3), ...op.i32Add, ...op.v128Load,
      ...op.get(2), ...op.f32x4Splat, ...op.f32x4Mul, ...op.v128Store,
      ...op.get(3), ...op.i32Const(16), ...op.i32Add, ...op.set(3),
      ...op.br(0),
      ...op.end, ...op.end,
    ];
    for (const shared of [false, true]) {
      const memory = new WebAssembly.Memory(shared ? { initial: 1, maximum: 2, shared: true } : { initial: 1 });
      const bytes = emitModule([{ name: 'scale', params: [i32, i32, f32], locals: [i32], body }], shared);
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
      const x = new Float32Array(memory.buffer, 64, 8);
      x.set([1, 2, 3, 4, 5, 6, 7, 8]);
      (instance.exports.scale as (ptr: number, bytes: number, factor: number) => void)(64, 32, 0.5);
      assert.deepEqual(Array.from(x), [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4], shared ? 'shared memory' : 'plain memory');
    }
  });
});
