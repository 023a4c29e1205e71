import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { randomPatchMask } from '../../src/methods/random-patch-mask';
import { createRng } from '../../src/util/rng';

before(async () => {
  await tf.setBackend('cpu');
});

interface PlainMask {
  visible: number[][][];
  masked: number[][];
  keep: number;
}

function plainMask(batch: number, tokens: number, ratio: number, seed: number): PlainMask {
  const m = randomPatchMask(batch, tokens, ratio, createRng(seed));
  const out = { visible: m.visible.arraySync(), masked: m.masked.arraySync(), keep: m.keep };
  m.visible.dispose();
  m.masked.dispose();
  return out;
}

/** The token each one-hot row of `visible` selects. */
function selectedTokens(rows: number[][]): number[] {
  return rows.map((row) => {
    assert.equal(row.filter((x) => x === 1).length, 1, 'one 1 per row');
    assert.equal(row.filter((x) => x !== 0 && x !== 1).length, 0, 'only 0s and 1s');
    return row.indexOf(1);
  });
}

describe('randomPatchMask', () => {
  test('each image keeps round(tokens (1 - ratio)) tokens, at least one', () => {
    for (const [tokens, ratio] of [
      [16, 0.75],
      [49, 0.75],
      [10, 0.5],
      [9, 0.6],
      [4, 0],
      [4, 0.99],
    ]) {
      const m = plainMask(3, tokens, ratio, 1);
      const expected = Math.max(1, Math.round(tokens * (1 - ratio)));
      assert.equal(m.keep, expected, `tokens ${tokens} ratio ${ratio}`);
      assert.equal(m.visible.length, 3);
      for (let b = 0; b < 3; b++) {
        assert.equal(m.visible[b].length, expected);
        assert.equal(m.masked[b].length, tokens);
        assert.equal(m.masked[b].filter((x) => x === 0).length, expected);
      }
    }
  });

  test('visible one-hot rows are sorted and distinct; masked = 1 - sum of the visible rows', () => {
    const [batch, tokens] = [5, 16];
    const m = plainMask(batch, tokens, 0.75, 2);
    for (let b = 0; b < batch; b++) {
      const chosen = selectedTokens(m.visible[b]);
      for (let k = 1; k < chosen.length; k++) assert.ok(chosen[k] > chosen[k - 1], `image ${b}: ${chosen}`);
      for (let t = 0; t < tokens; t++) {
        const covered = m.visible[b].reduce((s, row) => s + row[t], 0);
        assert.equal(m.masked[b][t], 1 - covered, `image ${b} token ${t}`);
      }
    }
  });

  test('deterministic per seed; different seeds and different images differ; every token is visible sometimes', () => {
    const a = plainMask(8, 16, 0.75, 3);
    const b = plainMask(8, 16, 0.75, 3);
    assert.deepEqual(a, b);
    const c = plainMask(8, 16, 0.75, 4);
    assert.notDeepEqual(a.masked, c.masked);
    const rows = new Set(a.masked.map((r) => r.join('')));
    assert.ok(rows.size > 1, 'images get their own masks');
    // image b's mask depends only on the seed and b, not on the batch size
    assert.deepEqual(plainMask(3, 16, 0.75, 3).masked, a.masked.slice(0, 3));
    const many = plainMask(200, 8, 0.5, 5);
    for (let t = 0; t < 8; t++) {
      const visibleShare = many.masked.filter((r) => r[t] === 0).length / 200;
      assert.ok(visibleShare > 0.3 && visibleShare < 0.7, `token ${t}: ${visibleShare}`);
    }
  });

  test('returns float32 tensors of shapes [batch, keep, tokens] and [batch, tokens]; no tensors leak', () => {
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      const m = randomPatchMask(2, 9, 0.6, createRng(i));
      assert.deepEqual(m.visible.shape, [2, m.keep, 9]);
      assert.deepEqual(m.masked.shape, [2, 9]);
      assert.equal(m.visible.dtype, 'float32');
      assert.equal(m.masked.dtype, 'float32');
      tf.dispose([m.visible, m.masked]);
    }
    assert.equal(tf.memory().numTensors, before);
  });
});
