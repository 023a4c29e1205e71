// Re-exports only: experiment configs, presets and the recipes built on them.
export * from './experiment-config';
export * from './presets';
export * from './experiment-data';
export * from './train-side';
export * from './score-sets';
export * from './summarize-scores';
export * from './probe-encoder';
export * from './memorization-over-epochs';
export * from './memorization-levels';
export * from './memorization-scores';
export * from './atypicality';
export * from './scale-study';
export * from './encoder-run';
export * from './train-task';
export * from './trained-encoders';
