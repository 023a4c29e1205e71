// Re-exports only: the downstream tasks (one file each) and their registry.
export * from './downstream-task-def';
export * from './probe-features';
export * from './probe';
export * from './knn';
export * from './fashion';
export * from './segmentation';
export * from './registry';
