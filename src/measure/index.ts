// Re-exports only: measurements on trained encoders (scores, label and layer memorization, downstream tasks).
export * from './score-sets';
export * from './summarize-scores';
export * from './probe-encoder';
export * from './seed-averaged-scores';
export * from './memorization-levels';
export * from './memorization-scores';
export * from './atypicality';
export * from './frameworks-agree';
export * from './label-memorization';
export * from './all-point-scores';
export * from './subset-selection';
export * from './downstream-tasks';
export * from './verdict-text';
export * from './layer-memorization';
export * from './level-summary';
export * from './score-table';
export * from './downstream';
