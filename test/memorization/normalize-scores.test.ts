import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeScores, rangeNormalize, ratioNormalize } from '../../src/memorization/normalize-scores';
import { InputError } from '../../src/util/errors';
import { assertClose } from './helpers';

describe('score normalisations', () => {
  const alignF = [0.5, 0.2, 0.8, 0.4];
  const alignG = [0.6, 0.6, 0.7, 0.4];
  const raw = alignG.map((g, i) => g - alignF[i]); // [0.1, 0.4, -0.1, 0]

  test('raw is a copy of the raw differences', () => {
    const r = normalizeScores(raw, alignF, alignG, 'raw');
    assert.ok(r instanceof Float32Array);
    assertClose(r, raw, 1e-7);
  });
  test('range: raw / (max - min), so |score| <= 1', () => {
    const r = normalizeScores(raw, alignF, alignG, 'range');
    assertClose(r, raw.map((v) => v / 0.5), 1e-6);
    assertClose(r, [0.2, 0.8, -0.2, 0], 1e-6);
  });
  test('range against a reference set', () => {
    assertClose(rangeNormalize([0.3, -0.05], raw), [0.6, -0.1], 1e-6);
  });
  test('range without spread: NaN', () => {
    assert.ok(rangeNormalize([0.3]).every(Number.isNaN));
    assert.ok(rangeNormalize([0.3, 0.3]).every(Number.isNaN));
  });
  test('ratio: (g - f) / (g + f), 0 when both are 0', () => {
    const r = normalizeScores(raw, alignF, alignG, 'ratio');
    assertClose(r, [0.1 / 1.1, 0.4 / 0.8, -0.1 / 1.5, 0], 1e-6);
    assert.deepEqual(Array.from(ratioNormalize([0, 1], [0, 3])), [0, 0.5]);
  });
  test('invalid input -> InputError', () => {
    assert.throws(() => normalizeScores(raw, alignF, alignG, 'zscore' as never), (e: unknown) => e instanceof InputError && /kind: expected one of raw, range, ratio, found zscore/.test(e.message));
    assert.throws(() => normalizeScores(raw, alignF.slice(1), alignG, 'ratio'), (e: unknown) => e instanceof InputError && /alignF: expected 4 values, found 3/.test(e.message));
    assert.throws(() => ratioNormalize([1], [1, 2]), InputError);
  });
});
