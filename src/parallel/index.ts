// Re-exports only: the worker pool (one tfjs backend per worker thread).
export * from './run-in-workers';
export * from './pool-size-for';
export * from './task-error';
export * from './worker-task';
export * from './write-file-atomic';
