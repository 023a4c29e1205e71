import { inspect } from 'node:util';

/**
 * A training plan stopped by an interrupt (its abort signal, or SIGINT in a process that
 * survives it, such as a Jupyter kernel). Its message is one line that says what is kept:
 * `interrupted: 2 of 6 encoders stored, the rest resume from epoch 20`. Printed or inspected
 * (a notebook cell's error) it shows only that line, no stack trace.
 */
export class PlanInterruptedError extends Error {
  constructor(
    /** Encoders of the plan that the run store holds now. */
    readonly stored: number,
    /** Distinct encoders in the plan. */
    readonly total: number,
    /** For each encoder not stored: the epoch its training resumes from (its last checkpoint; 0 starts over). */
    readonly resumeEpochs: readonly number[],
  ) {
    super(interruptedLine(stored, total, resumeEpochs));
    this.name = 'PlanInterruptedError';
  }

  /** One line, also for `console.error(error)` and `util.inspect`. */
  [inspect.custom](): string {
    return this.message;
  }
}

/** `interrupted: N of M encoders stored, the rest resume from epoch E` (or epochs E1-E2, or start over). */
export function interruptedLine(stored: number, total: number, resumeEpochs: readonly number[]): string {
  const head = `interrupted: ${stored} of ${total} encoder${total === 1 ? '' : 's'} stored`;
  if (resumeEpochs.length === 0) return head;
  const low = Math.min(...resumeEpochs);
  const high = Math.max(...resumeEpochs);
  const rest = resumeEpochs.length === 1 ? 'the other' : 'the rest';
  if (high === 0) return `${head}, ${rest} start${resumeEpochs.length === 1 ? 's' : ''} over (no checkpoint yet)`;
  return `${head}, ${rest} resume${resumeEpochs.length === 1 ? 's' : ''} from ${low === high ? `epoch ${low}` : `epochs ${low}-${high}`}`;
}
