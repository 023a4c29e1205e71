import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { terminalProgress } from '../../src/train/progress';

const info = (step: number) => ({ epoch: 2, epochs: 5, step, stepsPerEpoch: 4, loss: 1.23456, lr: 0.001 });

describe('terminalProgress', () => {
  test('draws a \\r bar on a TTY, ending the epoch with a newline', () => {
    const written: string[] = [];
    const onStep = terminalProgress({ stream: { isTTY: true, write: (t: string) => written.push(t) }, width: 8, intervalMs: 0 });
    for (let s = 1; s <= 4; s++) onStep(info(s));
    assert.equal(written.length, 4);
    assert.equal(written[1], '\repoch 2/5 [####....] 2/4 loss 1.2346 lr 1.0e-3');
    assert.ok(written[3].endsWith('4/4 loss 1.2346 lr 1.0e-3\n'));
  });

  test('throttles redraws but always draws the last step', () => {
    const written: string[] = [];
    const onStep = terminalProgress({ stream: { isTTY: true, write: (t: string) => written.push(t) }, intervalMs: 60_000 });
    for (let s = 1; s <= 4; s++) onStep(info(s));
    assert.equal(written.length, 2);
  });

  test('writes nothing when the stream is not a TTY', () => {
    const written: string[] = [];
    const onStep = terminalProgress({ stream: { isTTY: false, write: (t: string) => written.push(t) } });
    for (let s = 1; s <= 4; s++) onStep(info(s));
    assert.equal(written.length, 0);
  });

  test('bad options say which field and what was expected', () => {
    assert.throws(() => terminalProgress({ width: 0 }), /terminalProgress options\.width: expected an integer >= 1, found 0/);
    assert.throws(() => terminalProgress({ colour: true } as never), /terminalProgress options\.colour: expected one of the fields stream, width, intervalMs/);
  });
});
