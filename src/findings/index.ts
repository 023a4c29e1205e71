// Re-exports only: the studies behind the paper's findings.
export * from './scores-over-splits';
export * from './framework-study';
export * from './privacy-study';
export * from './regularizer-study';
export * from './finding';
export * from './train-stages';
export * from './registry';
