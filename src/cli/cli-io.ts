/** A stream the CLI writes to (`process.stdout`, `process.stderr`, or a test buffer). */
export interface CliStream {
  write(text: string): unknown;
  /** True on a terminal: progress is drawn as a `\r`-updated bar. */
  readonly isTTY?: boolean;
}

/** Where the CLI prints: results on `stdout`, progress and errors on `stderr`. */
export interface CliIo {
  readonly stdout: CliStream;
  readonly stderr: CliStream;
}

/** The process's own streams. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr };
}

/** A `CliIo` that collects everything written (for tests and embedding). */
export function bufferIo(options: { isTTY?: boolean } = {}): CliIo & { out(): string; err(): string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout: { write: (text: string) => stdout.push(text), isTTY: options.isTTY ?? false },
    stderr: { write: (text: string) => stderr.push(text), isTTY: options.isTTY ?? false },
    out: () => stdout.join(''),
    err: () => stderr.join(''),
  };
}
