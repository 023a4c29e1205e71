import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/util/rng';
import { initValues, initKinds } from '../../src/encoders/initializers';

function stats(v: Float32Array): { mean: number; std: number; maxAbs: number } {
  let s = 0;
  let s2 = 0;
  let m = 0;
  for (const x of v) {
    s += x;
    s2 += x * x;
    m = Math.max(m, Math.abs(x));
  }
  const mean = s / v.length;
  return { mean, std: Math.sqrt(s2 / v.length - mean * mean), maxAbs: m };
}

describe('initValues', () => {
  const n = 20000;
  const fans = { fanIn: 50, fanOut: 150 };

  test('scales follow He and Glorot', () => {
    const expectedStd: Record<string, number> = {
      'he-normal': Math.sqrt(2 / 50),
      'he-uniform': Math.sqrt(6 / 50) / Math.sqrt(3),
      'glorot-normal': Math.sqrt(2 / 200),
      'glorot-uniform': Math.sqrt(6 / 200) / Math.sqrt(3),
    };
    for (const [kind, std] of Object.entries(expectedStd)) {
      const s = stats(initValues(kind as never, n, fans, createRng(1)));
      assert.ok(Math.abs(s.mean) < 0.05 * std, `${kind} mean ${s.mean}`);
      assert.ok(Math.abs(s.std / std - 1) < 0.03, `${kind} std ${s.std} vs ${std}`);
    }
    assert.ok(stats(initValues('he-uniform', n, fans, createRng(1))).maxAbs <= Math.sqrt(6 / 50));
    assert.ok(stats(initValues('glorot-uniform', n, fans, createRng(1))).maxAbs <= Math.sqrt(6 / 200));
  });

  test('truncated normal stays within two std', () => {
    const s = stats(initValues('truncated-normal', n, { ...fans, std: 0.02 }, createRng(2)));
    assert.ok(s.maxAbs <= 0.04 + 1e-7);
    // std of a standard normal truncated at +-2 is about 0.8796
    assert.ok(Math.abs(s.std / (0.02 * 0.8796) - 1) < 0.03, `std ${s.std}`);
  });

  test('constants, and same seed gives the same numbers', () => {
    assert.ok(initValues('zeros', 10, fans, createRng(0)).every((x) => x === 0));
    assert.ok(initValues('ones', 10, fans, createRng(0)).every((x) => x === 1));
    for (const kind of initKinds) {
      assert.deepEqual(initValues(kind, 100, fans, createRng(5)), initValues(kind, 100, fans, createRng(5)), kind);
    }
    assert.notDeepEqual(initValues('he-normal', 100, fans, createRng(5)), initValues('he-normal', 100, fans, createRng(6)));
  });
});
