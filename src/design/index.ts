// Re-exports only: the experiment as data (config, DP part, presets, dataset and its four sets).
export * from './experiment-config';
export * from './presets';
export * from './experiment-data';
export * from './checkpoint-epochs';
export * from './privacy-config';
export * from './subset-study-presets';
export * from './regime';
export * from './dataset-facts-of';
export * from './check-dataset-spec';
export * from './folder-preset';
