// Re-exports only: the studies behind the paper's findings.
export * from './memorization-over-epochs';
export * from './flattening-test';
export * from './scores-over-splits';
export * from './regime-study';
export * from './framework-configs';
export * from './subset-study';
export * from './coreset-study';
export * from './removal-study';
export * from './localization-study';
export * from './localization-summary';
export * from './finding';
export * from './train-stages';
export * from './registry';
