import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { check, InputError } from '../util/errors';
import { poolSizeFor } from './pool-size-for';
import type { RunMessage, WorkerBootData, WorkerMessage } from './protocol';
import { TaskError } from './task-error';
import type { WorkerTask } from './worker-task';

/** A progress report of one task (from `context.progress`, and `fraction: 1, note: 'done'` when its result arrives). */
export interface TaskProgress {
  readonly taskIndex: number;
  /** In [0, 1]. */
  readonly fraction: number;
  readonly note?: string;
}

/** Options of `runInWorkers`. */
export interface RunInWorkersOptions {
  /** Number of worker threads. Default: `poolSizeFor(os.availableParallelism(), { tasks })`. */
  readonly poolSize?: number;
  /** Called on the main thread for every progress report. Default: none. */
  readonly onProgress?: (progress: TaskProgress) => void;
  /** Called on the main thread for every `context.post(message)`. Default: none. */
  readonly onMessage?: (taskIndex: number, message: unknown) => void;
  /** Extra environment variables for the workers (on top of `process.env`). Default: none. */
  readonly env?: Readonly<Record<string, string>>;
  /** Node options for the workers (`Worker`'s `execArgv`). Default: `[]`. */
  readonly execArgv?: readonly string[];
  /**
   * Stops the pool: running tasks are terminated and the promise rejects with the signal's
   * reason at once (the workers stop within moments; no message of theirs is passed on).
   */
  readonly signal?: AbortSignal;
}

/** Defaults of `runInWorkers` (`poolSize` is computed from the machine when absent). */
export const defaultRunInWorkersOptions = {
  execArgv: [] as readonly string[],
};

// The bootstrap each worker evaluates: load tsx's require hook when TypeScript is
// involved, then the worker body. It is plain CommonJS so that it runs the same from
// `dist/` and from the TypeScript sources.
const bootstrap = `
const { workerData } = require('node:worker_threads');
if (workerData.tsxPath !== null) require(workerData.tsxPath);
require(workerData.mainPath);
`;

function isTypeScript(path: string): boolean {
  return /\.(c|m)?tsx?$/.test(path);
}

function resolveTsx(): string | null {
  try {
    return require.resolve('tsx/cjs', { paths: [process.cwd(), __dirname] });
  } catch {
    return null;
  }
}

function validate(tasks: readonly WorkerTask[], options: RunInWorkersOptions): void {
  check(Array.isArray(tasks), 'runInWorkers: tasks', 'an array of { module, fn, args }', () => typeof tasks);
  tasks.forEach((task, i) => {
    const where = `runInWorkers: tasks[${i}]`;
    check(task !== null && typeof task === 'object', where, 'an object { module, fn, args }', () => String(task));
    check(
      typeof task.module === 'string' && isAbsolute(task.module),
      `${where}.module`,
      'an absolute path of a .js or .ts module',
      () => JSON.stringify(task.module),
    );
    check(existsSync(task.module), `${where}.module`, 'an existing file', `${task.module} (no such file)`);
    check(typeof task.fn === 'string' && task.fn.length > 0, `${where}.fn`, 'the name of an exported function', () => JSON.stringify(task.fn));
  });
  if (options.poolSize !== undefined) {
    check(
      Number.isInteger(options.poolSize) && options.poolSize >= 1,
      'runInWorkers: options.poolSize',
      'an integer >= 1',
      String(options.poolSize),
    );
  }
}

/**
 * Runs independent tasks in a pool of `worker_threads` workers and resolves with their
 * results in task order. Each worker imports a task's `module` (once per worker) and calls
 * its export `fn(args, context)`; each worker has its own tfjs (engine, backend, memory), so
 * a task initialises its backend itself (e.g. `await initBackend()`). Workers are reused
 * for queued tasks and all terminated before the promise settles.
 *
 * Failure: the first failing task rejects the promise with a `TaskError` naming it (index,
 * module, fn) and carrying the worker's message and stack. The other tasks are cancelled:
 * running ones are terminated mid-way, queued ones never start, and no result of any task
 * is returned. A task that writes files should write them atomically (temp file + rename,
 * see `writeFileAtomic`) so a cancelled task leaves no half-written output.
 */
export async function runInWorkers<R = unknown>(
  tasks: readonly WorkerTask[],
  options: RunInWorkersOptions = {},
): Promise<R[]> {
  validate(tasks, options);
  if (tasks.length === 0) return [];
  const poolSize = Math.min(options.poolSize ?? poolSizeFor(availableParallelism(), { tasks: tasks.length }), tasks.length);
  const needsTsx = isTypeScript(__filename) || tasks.some((t) => isTypeScript(t.module));
  const tsxPath = needsTsx ? resolveTsx() : null;
  if (needsTsx && tsxPath === null) {
    throw new InputError('runInWorkers: tasks', 'compiled .js modules (or the tsx package installed to load .ts)', 'a .ts module and no tsx');
  }
  const mainPath = join(__dirname, isTypeScript(__filename) ? 'worker-main.ts' : 'worker-main.js');
  const execArgv = [...(options.execArgv ?? defaultRunInWorkersOptions.execArgv)];
  const env = { ...process.env, ...(options.env ?? {}) };
  options.signal?.throwIfAborted();

  return new Promise<R[]>((resolve, reject) => {
    const results: R[] = new Array(tasks.length);
    const running = new Map<Worker, number>();
    const workers: Worker[] = [];
    let next = 0;
    let done = 0;
    let settled = false;

    const finish = (error: unknown | null, atOnce = false): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      const stopped = Promise.allSettled(workers.map((w) => w.terminate()));
      if (atOnce) reject(error);
      else {
        void stopped.then(() => {
          if (error === null) resolve(results);
          else reject(error);
        });
      }
    };
    // An abort rejects in the same turn (termination is under way and nothing of the workers
    // is reported any more): an interrupted caller, such as a notebook cell, ends at once.
    const onAbort = (): void => finish(options.signal?.reason ?? new Error('runInWorkers: aborted'), true);
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const taskError = (taskIndex: number, message: string, stack?: string, name?: string): TaskError => {
      const task = tasks[taskIndex];
      return new TaskError(taskIndex, task.module, task.fn, message, stack, name);
    };

    const dispatch = (worker: Worker): void => {
      if (settled || next >= tasks.length) return;
      const taskIndex = next++;
      const task = tasks[taskIndex];
      running.set(worker, taskIndex);
      const message: RunMessage = { type: 'run', taskIndex, module: task.module, fn: task.fn, args: task.args };
      try {
        worker.postMessage(message);
      } catch (error) {
        finish(taskError(taskIndex, `its args cannot be sent to a worker (not structured-clone-able): ${(error as Error).message}`));
      }
    };

    const onMessage = (worker: Worker, message: WorkerMessage): void => {
      if (settled) return;
      switch (message.type) {
        case 'progress':
          options.onProgress?.({ taskIndex: message.taskIndex, fraction: message.fraction, ...(message.note !== undefined ? { note: message.note } : {}) });
          return;
        case 'message':
          options.onMessage?.(message.taskIndex, message.message);
          return;
        case 'error':
          running.delete(worker);
          finish(taskError(message.taskIndex, message.error.message, message.error.stack, message.error.name));
          return;
        case 'result':
          running.delete(worker);
          results[message.taskIndex] = message.value as R;
          done++;
          options.onProgress?.({ taskIndex: message.taskIndex, fraction: 1, note: 'done' });
          if (done === tasks.length) finish(null);
          else dispatch(worker);
          return;
      }
    };

    for (let workerIndex = 0; workerIndex < poolSize; workerIndex++) {
      const workerData: WorkerBootData = { tsxPath, mainPath, workerIndex };
      const worker = new Worker(bootstrap, { eval: true, workerData, execArgv, env });
      workers.push(worker);
      worker.on('message', (m: WorkerMessage) => onMessage(worker, m));
      worker.on('error', (error: Error) => {
        const taskIndex = running.get(worker);
        if (taskIndex !== undefined) finish(taskError(taskIndex, `uncaught in its worker: ${error.message}`, error.stack, error.name));
        else finish(new Error(`runInWorkers: worker ${workerIndex} failed: ${error.message}`, { cause: error }));
      });
      worker.on('exit', (code) => {
        const taskIndex = running.get(worker);
        if (settled) return;
        if (taskIndex !== undefined) finish(taskError(taskIndex, `its worker exited with code ${code} before returning`));
        else finish(new Error(`runInWorkers: worker ${workerIndex} exited early with code ${code}`));
      });
      dispatch(worker);
    }
  });
}
