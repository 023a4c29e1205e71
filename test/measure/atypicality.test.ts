import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { classCentred } from '../../src/measure/atypicality';

describe('class centring', () => {
  test('classCentred subtracts the class mean of the reference set (per split)', () => {
    const t = aq.table({
      split_seed: [0, 0, 0, 0, 1, 1],
      set: ['S_S', 'S_S', 'S_C', 'S_C', 'S_S', 'S_C'],
      label: [3, 3, 3, 6, 6, 6],
      score_raw: [0.1, 0.3, 0.5, 0.7, 1.0, 1.5],
    });
    assert.throws(() => classCentred(t), /S_S of class 6 in split 0/);
    const ok = classCentred(t.filter((d: { label: number; split_seed: number }) => !(d.label === 6 && d.split_seed === 0)));
    assert.deepEqual((ok.array('score_centred') as number[]).map((v) => Math.round(v * 1e6) / 1e6), [-0.1, 0.1, 0.3, 0, 0.5]);
  });

});
