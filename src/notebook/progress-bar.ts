import { writeFileSync } from 'node:fs';
import { quietKernelShutdown } from './tslab-kernel';

/** Options of `progressBar`. */
export interface ProgressBarOptions {
  /** Text before the bar. Default none. */
  label?: string;
  /** Bar width in characters. Default 30. */
  width?: number;
  /**
   * Headless mode: write nothing until `finish`, then one line without timings, so that a
   * re-run notebook has identical output. Default: on when SSLMEM_HEADLESS=1 (set by
   * scripts/run-notebook.py).
   */
  headless?: boolean;
  /**
   * Headless mode only: a file that gets the current line with timings and ETA (rewritten
   * at most every `minIntervalMs`), so that whoever runs the notebook can watch its
   * progress. Default: $SSLMEM_PROGRESS_FILE (scripts/run-notebook.py sets it and prints it
   * every 30 s).
   */
  statusFile?: string;
  /** Least milliseconds between two redraws. Default 200. */
  minIntervalMs?: number;
  /**
   * Where the text goes. Default `process.stdout.write`, guarded: once a write fails (a
   * restarted kernel closed its socket while a training still reported), the bar stays silent.
   */
  write?: (text: string) => void;
  /** Clock in milliseconds. Default `Date.now` (tests inject one). */
  now?: () => number;
}

/** Defaults of `progressBar`. */
export const defaultProgressBarOptions = { width: 30, minIntervalMs: 200 } as const;

/** A text progress bar; pass `update` as a training loop's progress callback. */
export interface ProgressBar {
  /** Sets progress to `done` of `total`, with an optional note (e.g. the loss). */
  update(done: number, note?: string): void;
  /** Advances by one. */
  tick(note?: string): void;
  /** Adds `more` to the total (work that became known while the bar runs). */
  grow(more: number): void;
  /** Draws the final state and ends the line. */
  finish(note?: string): void;
}

/**
 * A `\r`-redrawn progress bar for long notebook cells (tslab streams stdout live), e.g.
 * `const bar = progressBar(epochs, { label: 'train' }); ... onEpoch: (e) => bar.update(e.epoch + 1, e.loss.toFixed(3))`.
 */
export function progressBar(total: number, options: ProgressBarOptions = {}): ProgressBar {
  const o = { ...defaultProgressBarOptions, ...options };
  const headless = o.headless ?? process.env.SSLMEM_HEADLESS === '1';
  const statusFile = headless ? (o.statusFile ?? process.env.SSLMEM_PROGRESS_FILE) : undefined;
  const write = o.write ?? guardedStdout();
  const now = o.now ?? Date.now;
  const start = now();
  let done = 0;
  let note: string | undefined;
  let lastDraw = -Infinity;
  let finished = false;
  // Each redraw pads to the longest line drawn so far: front ends that overwrite after \r
  // character by character (classic Notebook, terminals) would keep a longer line's tail.
  let drawnLength = 0;
  const redraw = (text: string): string => {
    const padded = text.padEnd(drawnLength);
    drawnLength = Math.max(drawnLength, text.length);
    return `\r${padded}`;
  };
  const line = (timings: boolean): string => {
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(frac * o.width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(o.width - filled)}]`;
    let time = '';
    if (timings) {
      const elapsed = (now() - start) / 1000;
      const eta = done > 0 && done < total ? ` eta ${formatSeconds((elapsed * (total - done)) / done)}` : '';
      time = ` ${formatSeconds(elapsed)}${eta}`;
    }
    return `${o.label ? `${o.label} ` : ''}${bar} ${done}/${total}${time}${note ? ` ${note}` : ''}`;
  };
  const draw = (force: boolean): void => {
    if (finished || (headless && statusFile === undefined)) return;
    const t = now();
    if (!force && t - lastDraw < o.minIntervalMs) return;
    lastDraw = t;
    if (statusFile !== undefined) writeStatus(statusFile, line(true));
    else write(redraw(line(true)));
  };
  const update = (value: number, text?: string): void => {
    done = value;
    if (text !== undefined) note = text;
    draw(done >= total);
  };
  return {
    update,
    tick: (text) => update(done + 1, text),
    grow: (more) => {
      total += more;
    },
    finish: (text) => {
      if (finished) return;
      finished = true;
      if (text !== undefined) note = text;
      write(headless ? `${line(false)}\n` : `${redraw(line(true))}\n`);
    },
  };
}

/**
 * `process.stdout.write` that goes quiet after its first failure: in a kernel whose socket
 * was closed (restart, shutdown) a write throws, and an exception thrown from a progress
 * callback would take the old kernel down with it.
 */
export function guardedStdout(): (text: string) => void {
  quietKernelShutdown();
  let broken = false;
  return (text) => {
    if (broken) return;
    try {
      process.stdout.write(text);
    } catch {
      broken = true;
    }
  };
}

/** Writes the status line; a status file that cannot be written is not worth failing a cell for. */
function writeStatus(file: string, text: string): void {
  try {
    writeFileSync(file, `${text}\n`);
  } catch {
    // ignore: progress is only advice
  }
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${Math.round(s % 60).toString().padStart(2, '0')}s` : `${Math.floor(m / 60)}h${(m % 60).toString().padStart(2, '0')}m`;
}
