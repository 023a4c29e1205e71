import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, progressBar, statusLine } from '../../src/cli/status-line';
import { trainingReporter } from '../../src/cli/training-reporter';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, write: (t: string) => chunks.push(t), text: () => chunks.join('') };
}

const jobs = [
  { side: 'f' as const, seed: 0 },
  { side: 'g' as const, seed: 0 },
];

describe('trainingReporter', () => {
  test('off a terminal: one line per epoch with side, seed, epoch/epochs, loss and elapsed time', () => {
    const s = stream(false);
    let now = 1000;
    const report = trainingReporter(statusLine(s), jobs, 10, { tty: false, now: () => now });
    now = 3500;
    report({ side: 'g', seed: 0, epoch: 3, epochs: 10, loss: 4.123456 });
    assert.equal(s.text(), 'g seed 0  epoch  3/10  loss 4.1235  elapsed 2.5s\n');
  });

  test('on a terminal: a \\r bar over all trainings, and a line when an encoder is done', () => {
    const s = stream(true);
    const report = trainingReporter(statusLine(s), jobs, 2, { tty: true, now: () => 0 });
    report({ side: 'f', seed: 0, epoch: 1, epochs: 2, loss: 5 });
    assert.equal(s.text(), `\r\x1b[Ktraining ${progressBar(1 / 4)} 1/4 epochs  f0 1/2 loss 5.000  0.0s`);
    report({ side: 'f', seed: 0, epoch: 2, epochs: 2, loss: 4 });
    const text = s.text();
    assert.ok(text.includes('\r\x1b[Kf seed 0  trained: epoch 2/2  loss 4.0000  elapsed 0.0s\n'), JSON.stringify(text));
    assert.ok(text.endsWith(`\r\x1b[Ktraining ${progressBar(2 / 4)} 2/4 epochs    0.0s`), JSON.stringify(text));
  });

  test('quiet writes nothing', () => {
    const s = stream(true);
    const line = statusLine(s, { quiet: true });
    line.log('x');
    line.status('y');
    line.done();
    assert.equal(s.text(), '');
  });
});

describe('formatting', () => {
  test('durations and bars', () => {
    assert.equal(formatDuration(12.34), '12.3s');
    assert.equal(formatDuration(65), '1m05s');
    assert.equal(formatDuration(3725), '1h02m');
    assert.equal(progressBar(0.5, 4), '[##..]');
    assert.equal(progressBar(2, 4), '[####]');
  });
});
