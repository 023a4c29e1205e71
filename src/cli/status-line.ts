import type { CliStream } from './cli-io';

/** Permanent lines and, on a terminal, one `\r`-redrawn status line below them. */
export interface StatusLine {
  /** Prints a permanent line (the status line is redrawn under it). */
  log(line: string): void;
  /** Replaces the status line (terminal only; elsewhere nothing is written). */
  status(text: string): void;
  /** Clears the status line. */
  done(): void;
}

/** A `StatusLine` on `stream`; `quiet` writes nothing at all. */
export function statusLine(stream: CliStream, options: { quiet?: boolean } = {}): StatusLine {
  const tty = stream.isTTY === true;
  let current = '';
  const clear = (): void => {
    if (tty && current !== '') stream.write('\r\x1b[K');
  };
  return {
    log(line) {
      if (options.quiet) return;
      clear();
      stream.write(`${line}\n`);
      if (tty && current !== '') stream.write(current);
    },
    status(text) {
      if (options.quiet || !tty) return;
      current = text;
      stream.write(`\r\x1b[K${text}`);
    },
    done() {
      clear();
      current = '';
    },
  };
}

export { formatDuration } from '../util/format-duration';

/** A text bar `[#####.....]` of `fraction` in [0, 1]. */
export function progressBar(fraction: number, width = 24): string {
  const filled = Math.max(0, Math.min(width, Math.round(width * fraction)));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}
