// Re-exports only: the memorization report of a scored run.
export * from './run-output';
export * from './thumbnail';
export * from './score-histogram-svg';
export * from './report-script';
export * from './memorization-report-html';
export * from './write-memorization-report';
