/**
 * SIGINT as an abort signal for work that runs in a process which survives SIGINT.
 *
 * Without SIGINT listeners, SIGINT ends the process and its worker threads with it. With
 * listeners (a Jupyter kernel: tslab rejects the running cell on SIGINT; a command that
 * handles Ctrl-C itself), the process lives on, and so would a training plan's workers,
 * training and printing with nobody waiting. While work holds the signal, the listeners are
 * set aside and SIGINT aborts the work instead: the work stops, and its own error (one line
 * saying what was kept) reaches whoever awaits it, e.g. the notebook cell. The listeners
 * come back when the last holder releases it. Holders share one signal.
 */

/** What `holdInterruptSignal` returns: the signal and the call that gives SIGINT back. */
export interface HeldInterrupt {
  readonly signal: AbortSignal;
  release(): void;
}

type Listener = (...args: unknown[]) => void;

let held: { controller: AbortController; setAside: Listener[]; holders: number; onSigint: () => void } | undefined;

/** The reason of the signal when SIGINT aborts it. */
export class InterruptSignalReason extends Error {
  constructor() {
    super('interrupted (SIGINT)');
    this.name = 'InterruptSignalReason';
  }
}

/**
 * SIGINT as an abort signal while the caller works, or undefined when the process has no
 * SIGINT listener (SIGINT then ends it anyway). Call `release()` when done, also on failure.
 */
export function holdInterruptSignal(): HeldInterrupt | undefined {
  if (held === undefined) {
    const listeners = process.listeners('SIGINT') as Listener[];
    if (listeners.length === 0) return undefined;
    const controller = new AbortController();
    const onSigint = () => controller.abort(new InterruptSignalReason());
    for (const l of listeners) process.removeListener('SIGINT', l);
    process.on('SIGINT', onSigint);
    held = { controller, setAside: listeners, holders: 0, onSigint };
  }
  const current = held;
  current.holders++;
  let released = false;
  return {
    signal: current.controller.signal,
    release() {
      if (released) return;
      released = true;
      current.holders--;
      if (current.holders > 0 || held !== current) return;
      held = undefined;
      process.removeListener('SIGINT', current.onSigint);
      for (const l of current.setAside) process.on('SIGINT', l);
    },
  };
}
