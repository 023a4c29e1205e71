// Re-exports only: the studies behind the paper's findings.
export * from './scores-over-splits';
export * from './framework-study';
export * from './privacy-study';
export * from './subset-study';
export * from './coreset-study';
export * from './removal-study';
export * from './regularizer-study';
export * from './localization-study';
export * from './localization-summary';
export * from './finding';
export * from './train-stages';
export * from './registry';
