import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interleavedStepRows, type StepTableOptions } from '../../bench/step-table';
import type { BenchBackend } from '../../bench/backend';
import type { PytorchServer } from '../../bench/pytorch';

const backend: BenchBackend = { name: 'wasm', threads: 2, reason: 'test', description: 'test', path: 'native', products: 'test' };

/** Options with no sides of ours (no process is started): only PyTorch's sides run. */
function options(logged: string[]): StepTableOptions {
  return { paths: [], threadCounts: [1, 2], blocks: 2, blockSteps: 3, warmup: 0, warmupMs: 0, profileSteps: 0, envOf: () => ({}), log: (m) => logged.push(m) };
}

/** A stand-in for `pytorch_reference.py --serve` that records the arrangements it was asked for. */
function fakeServer(asked: string[][], closed: number[], id: number): PytorchServer {
  const mine: string[] = [];
  asked.push(mine);
  return {
    blas: 'fake',
    run: async (kind, threads, steps, _epoch, blas) => {
      mine.push(`${kind} ${threads}t blas ${blas ?? threads}`);
      return { times: new Array<number>(steps).fill(1), lossFirst: 1, loss: 1 };
    },
    close: async () => void closed.push(id),
  };
}

test('step table: each of PyTorch\'s arrangements runs in a process of its own, and every process is closed', async () => {
  const asked: string[][] = [];
  const closed: number[] = [];
  let started = 0;
  await interleavedStepRows('supervised', backend, async () => fakeServer(asked, closed, started++), options([]));
  // 1 thread, 2 threads, and torch on 1 with its BLAS on 2: three processes, one arrangement each.
  assert.equal(asked.length, 3);
  assert.deepEqual(
    asked.map((calls) => [...new Set(calls)]),
    [['supervised 1t blas 1'], ['supervised 2t blas 2'], ['supervised 1t blas 2']],
  );
  for (const calls of asked) assert.equal(calls.length, 2, 'two blocks, no warm-up');
  assert.deepEqual([...closed].sort(), [0, 1, 2]);
});

test('step table: when one of PyTorch\'s processes fails to start, none of its sides runs (a ratio without its fastest would flatter ours)', async () => {
  const asked: string[][] = [];
  const closed: number[] = [];
  const logged: string[] = [];
  let started = 0;
  const start = async (): Promise<PytorchServer> => {
    if (started === 2) throw new Error('no torch here');
    return fakeServer(asked, closed, started++);
  };
  await interleavedStepRows('supervised', backend, start, options(logged));
  assert.equal(asked.length, 2);
  for (const calls of asked) assert.deepEqual(calls, []);
  assert.deepEqual([...closed].sort(), [0, 1]);
  assert.ok(logged.some((m) => m.includes('pytorch 1t+2blas failed to start: no torch here')), logged.join('\n'));
});
