import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { TrainJobTaskArgs } from '../plans/train-job-task';
import type { FromChild } from './train-child';

/** Options of `trainInChild`. */
export interface TrainInChildOptions {
  /** Aborting it kills the training process (SIGKILL; its checkpoints stay) and rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Trains one job in a child process (`train-child`), so that the caller's event loop stays
 * free (a queue worker keeps renewing its job lock), a crash of the training cannot take
 * the caller down and a cancelled training can be stopped at once. Resolves with the run
 * key; rejects with the child's error (with its `name`, e.g. `InputError`), when it exits
 * without an answer, or when `options.signal` aborts.
 */
export function trainInChild(args: TrainJobTaskArgs, onMessage: (message: unknown) => void, options: TrainInChildOptions = {}): Promise<string> {
  const typescript = __filename.endsWith('.ts');
  const script = join(__dirname, typescript ? 'train-child.ts' : 'train-child.js');
  const child = fork(script, [], { execArgv: typescript ? ['--import', 'tsx'] : [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let answered = false;
    child.on('message', (m: FromChild) => {
      if (m.type === 'progress') onMessage(m.message);
      else if (m.type === 'done') {
        answered = true;
        resolve(m.key);
      } else {
        answered = true;
        const error = new Error(m.message);
        error.name = typeof m.name === 'string' ? m.name : 'Error';
        if (m.stack) error.stack = m.stack;
        reject(error);
      }
    });
    child.on('error', (error) => {
      if (!answered) reject(error);
      answered = true;
    });
    child.on('exit', (code, signal) => {
      if (!answered) reject(new Error(`the training process exited without a result (${signal === null ? `code ${code}` : `signal ${signal}`})`));
      answered = true;
    });
    const { signal } = options;
    const abort = () => {
      if (!answered) reject(signal?.reason instanceof Error ? signal.reason : new Error('the training was cancelled'));
      answered = true;
      child.kill('SIGKILL');
    };
    if (signal?.aborted) return abort();
    signal?.addEventListener('abort', abort, { once: true });
    child.on('exit', () => signal?.removeEventListener('abort', abort));
    child.send({ type: 'train', args });
  });
}
