// Re-exports only: statistics utilities (descriptive statistics, t-tests, F-test).
export * from './describe';
export * from './log-gamma';
export * from './incomplete-beta';
export * from './student-t';
export * from './f-distribution';
export * from './t-test';
export * from './anova';
export * from './rank-correlation';
export * from './correlation-tests';
export * from './overlap-tests';
export * from './score-reliability';
export * from './distribution-quantiles';
export * from './noncentral-t';
export * from './agreement-ceiling';
export * from './projection';
