#!/usr/bin/env node
import { libraryVersion } from '../runs/library-version';
import { TaskError } from '../parallel/task-error';
import { InputError } from '../util/errors';
import { processIo, type CliIo } from './cli-io';
import type { Command } from './command';
import { downloadCommand } from './download-command';
import { findingCommand } from './finding-command';
import { formatHelp, wrapText } from './format-help';
import { jupyterCommand } from './jupyter-command';
import { labelMemorizationCommand } from './label-memorization-command';
import { layerMemCommand } from './layer-mem-command';
import { closestName, parseArgs } from './parse-args';
import { planCommand } from './plan-command';
import { presetsCommand } from './presets-command';
import { privacyCommand } from './privacy-command';
import { runJobCommand } from './run-job-command';
import { runsCommand } from './runs-command';
import { probeCommand } from './probe-command';
import { queueCommand } from './queue-command';
import { reportCommand } from './report-command';
import { scoreCommand } from './score-command';
import { trainCommand } from './train-command';
import { workerCommand } from './worker-command';

/** The `sslmem` sub-commands by name. */
export const commands: Readonly<Record<string, Command>> = {
  train: trainCommand,
  score: scoreCommand,
  'label-memorization': labelMemorizationCommand,
  'layer-mem': layerMemCommand,
  finding: findingCommand,
  probe: probeCommand,
  download: downloadCommand,
  presets: presetsCommand,
  privacy: privacyCommand,
  runs: runsCommand,
  plan: planCommand,
  'run-job': runJobCommand,
  worker: workerCommand,
  jupyter: jupyterCommand,
  queue: queueCommand,
  report: reportCommand,
};

/** `sslmem --help`: the commands and where to read more. */
export function mainHelp(): string {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((n) => n.length)) + 4;
  return [
    'Usage: sslmem <command> [options]',
    '',
    wrapText('Measure memorization in self-supervised learning (SSLMem, Wang et al. ICLR 2024) with TensorFlow.js.', 88, 0),
    '',
    'Commands:',
    ...names.map((n) => `  ${n.padEnd(width)}${commands[n].summary}`),
    '',
    'Run `sslmem <command> --help` for its options. `sslmem --version` prints the version.',
    '',
  ].join('\n');
}

/** The one line an error prints: the message (an `InputError`'s, also from inside a worker). */
export function errorLine(error: unknown): string {
  if (error instanceof TaskError) return error.workerName === 'InputError' ? error.workerMessage : `${error.workerName}: ${error.workerMessage}`;
  if (error instanceof InputError) return error.message;
  if (error instanceof Error) return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`;
  return String(error);
}

/**
 * Runs the `sslmem` command line `argv` (without `node` and the script), printing results to
 * `io.stdout` and progress and errors to `io.stderr`; resolves with the exit code (0 success,
 * 1 error). Errors print one line (`sslmem <command>: error: ...`); `--verbose` adds the stack.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic !== undefined && Object.hasOwn(commands, topic)) {
      io.stdout.write(formatHelp(commands[topic].help));
      return 0;
    }
    (name === undefined ? io.stderr : io.stdout).write(mainHelp());
    return name === undefined ? 1 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`sslmem ${libraryVersion()}\n`);
    return 0;
  }
  const verbose = rest.includes('--verbose');
  const savedBackend = process.env.SSLMEM_BACKEND;
  const savedImageCache = process.env.SSLMEM_IMAGE_CACHE;
  const label = Object.hasOwn(commands, name) ? `sslmem ${name}` : 'sslmem';
  try {
    if (!Object.hasOwn(commands, name)) {
      const suggestion = closestName(name, Object.keys(commands));
      throw new InputError(
        `command ${JSON.stringify(name)}`,
        `one of ${Object.keys(commands).join(', ')} (see sslmem --help)`,
        `an unknown command${suggestion ? `; did you mean ${suggestion}?` : ''}`,
      );
    }
    const command = commands[name];
    const args = parseArgs(rest, command.help.options, { command: `sslmem ${name}`, positionals: command.help.positionals });
    if (args.help) {
      io.stdout.write(formatHelp(command.help));
      return 0;
    }
    return await command.run(args, io);
  } catch (error) {
    const expected = error instanceof InputError || (error instanceof TaskError && error.workerName === 'InputError');
    io.stderr.write(`${label}: error: ${errorLine(error)}${verbose || expected ? '' : ' (--verbose shows the stack trace)'}\n`);
    if (verbose) io.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  } finally {
    if (savedBackend === undefined) delete process.env.SSLMEM_BACKEND;
    else process.env.SSLMEM_BACKEND = savedBackend;
    if (savedImageCache === undefined) delete process.env.SSLMEM_IMAGE_CACHE;
    else process.env.SSLMEM_IMAGE_CACHE = savedImageCache;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // A failed command may leave connections behind (a Redis that went away keeps reconnecting): end now.
      if (code !== 0) process.exit(code);
    },
    (error: unknown) => {
      process.stderr.write(`sslmem: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
