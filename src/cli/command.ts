import type { CliIo } from './cli-io';
import type { HelpText } from './format-help';
import type { ParsedArgs } from './parse-args';

/** One `sslmem` sub-command: its help (options included) and what it does. */
export interface Command {
  /** One line for `sslmem --help`. */
  readonly summary: string;
  readonly help: HelpText;
  /** Runs the parsed command; resolves with the exit code. Errors are thrown (`main` prints them). */
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}
