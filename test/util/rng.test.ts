import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, rngState, setRngState, type Rng } from '../../src/util/rng';

describe('rngState and setRngState', () => {
  test('a copy of the state; setting it replays the stream from there', () => {
    const rng = createRng(7);
    rng.uint32();
    const saved = rngState(rng)!;
    const ahead = [rng.uint32(), rng.uint32(), rng.next()];
    saved[0] ^= 0; // a copy: changing it would not move the generator
    setRngState(rng, saved);
    assert.deepEqual([rng.uint32(), rng.uint32(), rng.next()], ahead);
    const other = createRng(7);
    other.uint32();
    assert.deepEqual(rngState(other), saved, 'the same seed after the same draws: the same state');
  });

  test('other Rng objects have none; setting one is refused', () => {
    const fake = { ...createRng(1) } as Rng;
    assert.equal(rngState(fake), undefined);
    assert.throws(() => setRngState(fake, new Int32Array(4)), /made by createRng/);
    assert.throws(() => setRngState(createRng(1), new Int32Array(3)), /state of 4 integers/);
  });
});
