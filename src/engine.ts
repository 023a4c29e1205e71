// `sslmem/engine`: how trainings run. Jobs and plan builders, the local runner, the queue
// (runner, workers, administration), the run store with its keys, codecs, locks and
// maintenance, and the worker pool. The only entry that loads bullmq and ioredis.
export * from './plans';
export * from './queue';
export * from './runs';
export * from './parallel';
