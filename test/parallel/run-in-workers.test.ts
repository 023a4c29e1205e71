import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInWorkers, TaskError, type TaskProgress } from '../../src/parallel';
import { InputError } from '../../src/util/errors';

const tasks = join(__dirname, 'fixtures', 'tasks.ts');
const tfTasks = join(__dirname, 'fixtures', 'tf-tasks.ts');

describe('runInWorkers', () => {
  test('returns results in task order, spread over the pool', async () => {
    const xs = [5, 1, 4, 2, 3];
    const results = await runInWorkers<{ y: number; taskIndex: number; threadId: number }>(
      xs.map((x) => ({ module: tasks, fn: 'square', args: { x } })),
      { poolSize: 2 },
    );
    assert.deepEqual(results.map((r) => r.y), [25, 1, 16, 4, 9]);
    assert.deepEqual(results.map((r) => r.taskIndex), [0, 1, 2, 3, 4]);
    const threads = new Set(results.map((r) => r.threadId));
    assert.ok(threads.size >= 1 && threads.size <= 2, `expected 1-2 worker threads, found ${threads.size}`);
    assert.ok(!threads.has(0), 'tasks ran on the main thread');
  });

  test('an empty task list resolves to []', async () => {
    assert.deepEqual(await runInWorkers([]), []);
  });

  test('two 300 ms tasks overlap: both finish within 550 ms of the first start', async () => {
    const t0 = Date.now();
    const [a, b] = await runInWorkers<{ start: number; end: number }>(
      [
        { module: tasks, fn: 'sleep', args: { ms: 300 } },
        { module: tasks, fn: 'sleep', args: { ms: 300 } },
      ],
      { poolSize: 2 },
    );
    const span = Math.max(a.end, b.end) - Math.min(a.start, b.start);
    assert.ok(a.start < b.end && b.start < a.end, `tasks did not overlap: ${JSON.stringify({ a, b })}`);
    assert.ok(span < 550, `two 300 ms tasks took ${span} ms (total with worker start-up ${Date.now() - t0} ms)`);
  });

  test("a throwing task rejects with a TaskError naming it, with the worker's message and stack; others are cancelled", async () => {
    const t0 = Date.now();
    await assert.rejects(
      runInWorkers([
        { module: tasks, fn: 'sleep', args: { ms: 10000 } },
        { module: tasks, fn: 'fail', args: { message: 'boom 42' } },
        { module: tasks, fn: 'square', args: { x: 2 } },
      ], { poolSize: 2 }),
      (error: unknown) => {
        assert.ok(error instanceof TaskError, `expected TaskError, found ${String(error)}`);
        assert.equal(error.taskIndex, 1);
        assert.equal(error.fn, 'fail');
        assert.equal(error.module, tasks);
        assert.equal(error.workerMessage, 'boom 42');
        assert.equal(error.workerName, 'RangeError');
        assert.match(error.message, /task 1 \(fail in .*tasks\.ts\) failed: RangeError: boom 42/);
        assert.match(error.workerStack ?? '', /tasks\.ts/);
        assert.match(error.stack ?? '', /in the worker/);
        return true;
      },
    );
    assert.ok(Date.now() - t0 < 8000, 'the 10 s task was not cancelled');
  });

  test('a failure cancels a running task: its output file never appears', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sslmem-pool-'));
    try {
      const path = join(dir, 'out.txt');
      await assert.rejects(
        runInWorkers(
          [
            { module: tasks, fn: 'writeLater', args: { path, text: 'never', delayMs: 2000 } },
            { module: tasks, fn: 'fail', args: { message: 'early' } },
          ],
          { poolSize: 2 },
        ),
        /early/,
      );
      // Had it not been terminated, the writer would have written by now.
      await new Promise((r) => setTimeout(r, 2200));
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing function and an unclonable result fail with clear messages', async () => {
    await assert.rejects(runInWorkers([{ module: tasks, fn: 'nope', args: null }]), (error: unknown) => {
      assert.ok(error instanceof TaskError);
      assert.match(error.message, /expected an exported function 'nope', found only .*square/);
      return true;
    });
    await assert.rejects(runInWorkers([{ module: tasks, fn: 'unclonable', args: null }]), (error: unknown) => {
      assert.ok(error instanceof TaskError);
      assert.match(error.message, /task 0 \(unclonable .*not structured-clone-able/);
      return true;
    });
  });

  test('progress and messages reach the callbacks; typed arrays come back', async () => {
    const progress: TaskProgress[] = [];
    const messages: Array<[number, unknown]> = [];
    const [out] = await runInWorkers<Float32Array>([{ module: tasks, fn: 'chatty', args: { n: 5 } }], {
      onProgress: (p) => progress.push(p),
      onMessage: (i, m) => messages.push([i, m]),
    });
    assert.ok(out instanceof Float32Array);
    assert.deepEqual([...out], [0, 0.5, 1, 1.5, 2]);
    assert.deepEqual(progress, [
      { taskIndex: 0, fraction: 0.25, note: 'quarter' },
      { taskIndex: 0, fraction: 0.75 },
      { taskIndex: 0, fraction: 1, note: 'done' },
    ]);
    assert.deepEqual(messages, [[0, { hello: 0 }]]);
  });

  test('an abort signal stops the pool', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop now')), 100);
    const t0 = Date.now();
    await assert.rejects(
      runInWorkers([{ module: tasks, fn: 'sleep', args: { ms: 10000 } }], { signal: controller.signal }),
      /stop now/,
    );
    assert.ok(Date.now() - t0 < 8000);
  });

  test('bad input is an InputError saying where', async () => {
    await assert.rejects(runInWorkers([{ module: 'tasks.ts', fn: 'square', args: {} }]), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /tasks\[0\]\.module: expected an absolute path/);
      return true;
    });
    await assert.rejects(runInWorkers([{ module: tasks + '.missing.ts', fn: 'square', args: {} }]), /no such file/);
    await assert.rejects(runInWorkers([{ module: tasks, fn: '', args: {} }]), /tasks\[0\]\.fn/);
    await assert.rejects(runInWorkers([{ module: tasks, fn: 'square', args: {} }], { poolSize: 0 }), /poolSize: expected an integer >= 1, found 0/);
  });

  test('tfjs works in workers: each worker initialises its own backend and computes gradients', async () => {
    const results = await runInWorkers<{ backend: string; loss: number; grad: Float32Array; tensorsLeft: number }>(
      [
        { module: tfTasks, fn: 'tfGradient', args: { values: [1, 2, 3], backend: 'cpu' } },
        { module: tfTasks, fn: 'tfGradient', args: { values: [-1, 0.5], backend: 'auto' } },
      ],
      { poolSize: 2 },
    );
    assert.equal(results[0].backend, 'cpu');
    assert.notEqual(results[1].backend, 'cpu', 'auto picked cpu: wasm failed to start in a worker');
    assert.equal(results[0].loss, 14);
    assert.deepEqual([...results[0].grad], [2, 4, 6]);
    assert.equal(results[1].loss, 1.25);
    assert.deepEqual([...results[1].grad], [-2, 1]);
    for (const r of results) assert.equal(r.tensorsLeft, 0);
  });

  test('the process exits by itself after the pool is done (workers terminated)', () => {
    const script = join(__dirname, 'fixtures', 'run-then-exit.ts');
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 20000 });
    assert.equal(child.error, undefined, `child did not exit: ${String(child.error)}`);
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout, '[9,16]');
  });
});
