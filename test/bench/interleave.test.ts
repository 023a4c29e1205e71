import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockRatio, concurrentSide, fastest, interleave, type Side } from '../../bench/interleave';

/** A side whose step takes `ms(block)` ms in each block, recording the order it ran in. */
function side(label: string, order: string[], ms: (call: number) => number): Side {
  let call = 0;
  return {
    label,
    run: async (steps) => {
      order.push(label);
      const value = ms(call++);
      return Array.from({ length: steps }, () => value);
    },
  };
}

test('interleave: warm-up first, then blocks whose order rotates, one value per block and side', async () => {
  const order: string[] = [];
  const sides = [side('a', order, (c) => 10 * c), side('b', order, (c) => 100 + c), side('c', order, () => 5)];
  const series = await interleave(sides, 3, 2, 1, undefined, { pause: 0 });
  assert.deepEqual(order, ['a', 'b', 'c', 'a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b']);
  // Call 0 of each side is its warm-up and is not reported.
  assert.deepEqual(series.get('a'), [10, 20, 30]);
  assert.deepEqual(series.get('b'), [101, 102, 103]);
  assert.deepEqual(series.get('c'), [5, 5, 5]);
  await assert.rejects(interleave([side('a', [], () => 1), side('a', [], () => 1)], 1, 1, 0, undefined, { pause: 0 }), /labels must differ/);
  await assert.rejects(interleave(sides, 0, 1, 0, undefined, { pause: 0 }), /blocks and blockSteps/);
});

test('interleave: a block is its mean step, so the slow steps of a side count as a user waits for them', async () => {
  // Three of four steps at 10 ms and one at 50: the median would say 10, the user waits 20 a step.
  const spiky: Side = { label: 'spiky', run: async (steps) => Array.from({ length: steps }, (_, i) => (i % 4 === 3 ? 50 : 10)) };
  const series = await interleave([spiky], 2, 4, 0, undefined, { pause: 0 });
  assert.deepEqual(series.get('spiky'), [20, 20]);
});

test('interleave: a side keeps warming up in untimed blocks until warmupMs has passed', async () => {
  const calls: Array<{ steps: number; at: number }> = [];
  const slow: Side = {
    label: 'slow',
    run: async (steps) => {
      calls.push({ steps, at: performance.now() });
      await new Promise((resolve) => setTimeout(resolve, 10));
      return new Array<number>(steps).fill(1);
    },
  };
  const t0 = performance.now();
  const series = await interleave([slow], 2, 3, 0, undefined, { pause: 0, warmupMs: 50 });
  // Untimed blocks of 3 steps (at least one: no time has passed at the first check), then the
  // 2 timed blocks once 50 ms have passed, however slow the machine.
  const warming = calls.slice(0, -2);
  assert.ok(warming.length >= 1 && warming.every((c) => c.steps === 3), `untimed blocks: ${JSON.stringify(warming)}`);
  assert.ok(calls[calls.length - 2].at - t0 >= 50, 'the timed blocks start after the warm-up time');
  assert.deepEqual(series.get('slow'), [1, 1]);
});

test('blockRatio: the ratio within each block, so a drift that slows both sides cancels', () => {
  // The machine slows down 3x over the blocks; ours is always 1.2x PyTorch within a block.
  const reference = [10, 20, 30, 15, 25];
  const ours = reference.map((v) => 1.2 * v);
  const r = blockRatio(ours, reference);
  assert.ok(Math.abs(r.median - 1.2) < 1e-12);
  assert.ok(Math.abs(r.q1 - 1.2) < 1e-12 && Math.abs(r.q3 - 1.2) < 1e-12);
  // One slow block on our side moves the quartile, not the median.
  const spiked = blockRatio([12, 24, 90, 18, 30], reference);
  assert.ok(Math.abs(spiked.median - 1.2) < 1e-12);
  assert.equal(spiked.perBlock[2], 3);
  assert.throws(() => blockRatio([1, 2], [1]), /one value per block/);
});

test('fastest: the side whose series has the lowest median', () => {
  const series = new Map([['x 1t', [5, 6, 7]], ['x 2t', [4, 9, 4]], ['y', [1, 1, 1]]]);
  assert.equal(fastest(series, ['x 1t', 'x 2t']), 'x 2t');
  assert.equal(fastest(series, ['x 1t']), 'x 1t');
});

test('concurrentSide: members run together, a step is the wall time of the block over its steps', async () => {
  const started: number[] = [];
  const sleeper = (label: string, ms: number): Side => ({
    label,
    run: async (steps) => {
      started.push(performance.now());
      await new Promise((resolve) => setTimeout(resolve, ms * steps));
      return new Array<number>(steps).fill(ms);
    },
  });
  const pair = concurrentSide('pair', [sleeper('f', 40), sleeper('g', 60)]);
  const times = await pair.run(3);
  assert.equal(times.length, 3);
  assert.ok(Math.abs(started[1] - started[0]) < 20, 'both members start together');
  // together about 180 ms (the slower member), not 300 (one after the other): 60 per step
  assert.ok(times[0] >= 59 && times[0] < 90, `ms per step of the pair: ${times[0]}`);
  assert.throws(() => concurrentSide('none', []), /at least one member/);
});
