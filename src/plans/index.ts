// Re-exports only: training plans (jobs as plain data), their run keys, the encoder store and runners.
export * from './training-job';
export * from './job-key';
export * from './train-job';
export * from './encoder-store';
export * from './runner';
export * from './side-plan';
export * from './fold-plan';
export * from './validate-job';
export * from './plan-file';
export * from './plan-interrupted-error';
export * from './interrupt-signal';
export * from './key-mismatch';
export * from './train-side';
export * from './encoder-run';
export * from './trained-encoders';
