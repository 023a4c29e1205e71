import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { learningRateAt } from '../../src/train/schedule';
import { InputError } from '../../src/util/errors';

const near = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

describe('learningRateAt', () => {
  test('constant schedule, with and without warm-up', () => {
    for (const step of [0, 5, 99]) near(learningRateAt(step, 100, { lr: 0.1 }), 0.1);
    near(learningRateAt(0, 100, { lr: 0.1, warmupSteps: 4 }), 0.025);
    near(learningRateAt(3, 100, { lr: 0.1, warmupSteps: 4 }), 0.1);
    near(learningRateAt(4, 100, { lr: 0.1, warmupSteps: 4 }), 0.1);
  });

  test('cosine with linear warm-up: key steps', () => {
    const o = { lr: 1, schedule: 'cosine' as const, warmupSteps: 10, finalLr: 0 };
    near(learningRateAt(0, 110, o), 0.1); // first warm-up step
    near(learningRateAt(4, 110, o), 0.5);
    near(learningRateAt(9, 110, o), 1); // warm-up ends at the peak
    near(learningRateAt(10, 110, o), 1); // decay starts at the peak
    near(learningRateAt(60, 110, o), 0.5); // halfway through the decay
    near(learningRateAt(35, 110, o), (1 + Math.cos(Math.PI / 4)) / 2);
    near(learningRateAt(109, 110, o), (1 + Math.cos((Math.PI * 99) / 100)) / 2);
    near(learningRateAt(110, 110, o), 0); // end
    near(learningRateAt(500, 110, o), 0); // past the end: stays at finalLr
    near(learningRateAt(60, 110, { ...o, finalLr: 0.2 }), 0.6);
  });

  test('cosine is monotone after the warm-up', () => {
    let last = Infinity;
    for (let s = 0; s < 50; s++) {
      const lr = learningRateAt(s, 50, { lr: 0.3, schedule: 'cosine' });
      assert.ok(lr <= last);
      last = lr;
    }
  });

  test('bad options give InputErrors', () => {
    assert.throws(() => learningRateAt(-1, 10), InputError);
    assert.throws(() => learningRateAt(1, 10, { warmupSteps: 1.5 }), /warmupSteps: expected an integer/);
    assert.throws(() => learningRateAt(1, 10, { schedule: 'linear' as 'cosine' }), /learningRateAt options.schedule: expected one of "constant", "cosine", found "linear"/);
    assert.throws(() => learningRateAt(1, 10, { warmup: 2 } as never), /learningRateAt options\.warmup: expected one of the fields lr, schedule, warmupSteps, finalLr, found an unknown field/);
    assert.throws(() => learningRateAt(1, 10, { lr: -0.1 }), /learningRateAt options\.lr: expected a finite number in \[0, inf\), found -0\.1/);
  });
});
