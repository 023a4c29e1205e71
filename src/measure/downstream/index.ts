// Re-exports only: the downstream tasks (one file each) and their registry.
export * from './downstream-task-def';
export * from './probe-features';
export * from './probe';
export * from './knn';
export * from './fashion';
export * from './segmentation';
export * from './labelled-draw';
export * from './few-label-accuracy';
export * from './few-label-probe';
export * from './few-label-knn';
export * from './registry';
