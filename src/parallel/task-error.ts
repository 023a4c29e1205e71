/**
 * A task run by `runInWorkers` failed: names the task (index, module, function) and carries
 * the worker's own error name, message and stack. `message` starts with where it failed.
 */
export class TaskError extends Error {
  constructor(
    readonly taskIndex: number,
    readonly module: string,
    readonly fn: string,
    /** The error message as thrown inside the worker. */
    readonly workerMessage: string,
    /** The stack trace as recorded inside the worker (if any). */
    readonly workerStack: string | undefined,
    /** The error's class name inside the worker, e.g. `InputError`. */
    readonly workerName = 'Error',
  ) {
    super(`task ${taskIndex} (${fn} in ${module}) failed: ${workerName}: ${workerMessage}`);
    this.name = 'TaskError';
    if (workerStack !== undefined) this.stack = `${this.name}: ${this.message}\n--- in the worker ---\n${workerStack}`;
  }
}
