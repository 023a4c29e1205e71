// Re-exports only: downstream evaluation of frozen representations.
export * from './feature-matrix';
export * from './extract-features';
export * from './linear-probe';
export * from './knn';
export * from './segmentation';
