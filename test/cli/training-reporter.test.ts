import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, progressBar, statusLine } from '../../src/cli/status-line';
import { trainingReporter } from '../../src/cli/training-reporter';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, write: (t: string) => chunks.push(t), text: () => chunks.join('') };
}

const jobsOf = (epochs: number) => [{ train: { epochs } }, { train: { epochs } }];

describe('trainingReporter', () => {
  test('off a terminal: one line per epoch with side, seed, epoch/epochs, loss, elapsed time and ETA', () => {
    const s = stream(false);
    let now = 1000;
    const report = trainingReporter(statusLine(s), jobsOf(10), { tty: false, now: () => now });
    now = 3500;
    report({ label: 'g seed 0', seed: 0, epoch: 3, epochs: 10, loss: 4.123456 });
    // 3 of 20 epochs in 2.5 s: 17 more take 14.2 s.
    assert.equal(s.text(), 'g seed 0  epoch  3/10  loss 4.1235  elapsed 2.5s  eta 14.2s\n');
  });

  test('on a terminal: a \\r bar over all trainings with an ETA, and a line when an encoder is done', () => {
    const s = stream(true);
    let now = 0;
    const report = trainingReporter(statusLine(s), jobsOf(2), { tty: true, now: () => now });
    now = 2000;
    report({ label: 'f seed 0', seed: 0, epoch: 1, epochs: 2, loss: 5 });
    assert.equal(s.text(), `\r\x1b[Ktraining ${progressBar(1 / 4)} 1/4 epochs  f seed 0 1/2 loss 5.000  2.0s  eta 6.0s`);
    now = 4000;
    report({ label: 'f seed 0', seed: 0, epoch: 2, epochs: 2, loss: 4 });
    const text = s.text();
    assert.ok(text.includes('\r\x1b[Kf seed 0  trained: epoch 2/2  loss 4.0000  elapsed 4.0s\n'), JSON.stringify(text));
    assert.ok(text.endsWith(`\r\x1b[Ktraining ${progressBar(2 / 4)} 2/4 epochs    4.0s  eta 4.0s`), JSON.stringify(text));
  });

  test('trainings that share a label (one per split or framework): every epoch counts toward the ETA', () => {
    const s = stream(false);
    let now = 0;
    const jobs = [{ label: 'f seed 0', train: { epochs: 2 } }, { label: 'f seed 0', train: { epochs: 2 } }];
    const report = trainingReporter(statusLine(s), jobs, { tty: false, now: () => now });
    for (const [t, epoch] of [[1000, 1], [2000, 2], [3000, 1]] as const) {
      now = t;
      report({ label: 'f seed 0', seed: 0, epoch, epochs: 2, loss: 4 });
    }
    // 3 of 4 epochs in 3 s: one more takes 1 s (not 1 of 4 done because the second job restarted the label's count).
    assert.ok(s.text().endsWith('f seed 0  epoch 1/2  loss 4.0000  elapsed 3.0s  eta 1.0s\n'), s.text());
    now = 4000;
    report({ label: 'f seed 0', seed: 0, epoch: 2, epochs: 2, loss: 4 });
    assert.ok(s.text().endsWith('f seed 0  epoch 2/2  loss 4.0000  elapsed 4.0s\n'), 'no ETA once every epoch is done');
  });

  test('warnings are printed as lines, not counted as epochs', () => {
    const s = stream(false);
    const report = trainingReporter(statusLine(s), jobsOf(10), { tty: false, now: () => 0 });
    report({ label: 'f seed 0', seed: 0, epoch: 5, epochs: 10, loss: 5.5, warning: 'encoder f seed 0: the loss has stayed at chance level' });
    assert.equal(s.text(), 'warning: encoder f seed 0: the loss has stayed at chance level\n');
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
