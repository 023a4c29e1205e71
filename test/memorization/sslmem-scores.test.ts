import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { sslmemScores } from '../../src/memorization/sslmem-scores';
import { InputError } from '../../src/util/errors';
import { affineAugment, assertClose, imagesTensor, linearRepresenter, naiveAlignmentLoss, randomImages, randomWeights } from './helpers';

before(async () => {
  await tf.setBackend('cpu');
});

describe('sslmemScores', () => {
  test('matches brute force: mean over encoders per side, raw, range, ratio', async () => {
    const N = 6;
    const rows = randomImages(N, 21);
    const fWeights = [randomWeights(4, 22), randomWeights(4, 23)];
    const gWeights = [randomWeights(4, 24), randomWeights(4, 25), randomWeights(4, 26)];
    const x = imagesTensor(rows);
    const fs = fWeights.map(linearRepresenter);
    const gs = gWeights.map(linearRepresenter);
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const o = { pairs: 3, batchSize: 4, seed: 7, normalize: true, mode: 'pairs' as const };
    const s = await sslmemScores(fs.map((e) => e.represent), gs.map((e) => e.represent), x, affineAugment, {
      ...o,
      onProgress: (done) => progress.push(done),
    });
    assert.equal(tf.memory().numTensors, before, 'no tensor leak');
    assert.deepEqual(progress, [4, 6]);

    // Brute force, one naive loop per encoder.
    const perF = fWeights.map((w) => naiveAlignmentLoss(w, rows, o));
    const perG = gWeights.map((w) => naiveAlignmentLoss(w, rows, o));
    const alignF = rows.map((_, i) => (perF[0][i] + perF[1][i]) / 2);
    const alignG = rows.map((_, i) => (perG[0][i] + perG[1][i] + perG[2][i]) / 3);
    const raw = rows.map((_, i) => alignG[i] - alignF[i]);
    assertClose(s.alignF, alignF, 1e-4);
    assertClose(s.alignG, alignG, 1e-4);
    assertClose(s.raw, raw, 1e-4);
    assertClose(s.ratio, raw.map((r, i) => r / (alignG[i] + alignF[i])), 1e-3);
    s.perF.forEach((p, j) => assertClose(p, perF[j], 1e-4));
    s.perG.forEach((p, j) => assertClose(p, perG[j], 1e-4));
    assert.ok(!('range' in s), 'the range normalisation is taken over a set by its caller, not here');
    x.dispose();
    [...fs, ...gs].forEach((e) => e.w.dispose());
  });

  test('f = g gives zero scores (same views on both sides)', async () => {
    const rows = randomImages(5, 31);
    const x = imagesTensor(rows);
    const e = linearRepresenter(randomWeights(3, 32));
    const s = await sslmemScores([e.represent], [e.represent], x, affineAugment, { pairs: 2, mode: 'clean' });
    assert.ok(s.raw.every((v) => v === 0));
    assert.ok(s.ratio.every((v) => v === 0));
    assert.ok(s.alignF.every((v) => v > 0));
    x.dispose();
    e.w.dispose();
  });

  test('invalid input -> InputError', async () => {
    const x = imagesTensor(randomImages(3, 1));
    const e = linearRepresenter(randomWeights(3, 2));
    await assert.rejects(sslmemScores([], [e.represent], x, affineAugment), (err: unknown) => err instanceof InputError && /fRepresenters/.test(err.message));
    await assert.rejects(sslmemScores([e.represent], [], x, affineAugment), (err: unknown) => err instanceof InputError && /gRepresenters/.test(err.message));
    await assert.rejects(sslmemScores([e.represent], [e.represent], x, affineAugment, { pairs: -1 }), InputError);
    x.dispose();
    e.w.dispose();
  });
});
