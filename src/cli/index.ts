// Re-exports only: the `sslmem` command line (main) and its parts.
export * from './cli-io';
export * from './command';
export * from './parse-args';
export * from './format-help';
export * from './set-assignment';
export * from './experiment-options';
export * from './write-outputs';
export { main, commands, mainHelp, errorLine } from './main';
