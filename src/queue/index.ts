export * from './queue-job';
export * from './queue-runner';
export * from './queue-worker';
export * from './redis-url';
export * from './train-in-child';
