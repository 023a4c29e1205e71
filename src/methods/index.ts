// Re-exports only: training objectives (SSL frameworks and supervised) and their helpers.
export * from './objective';
export * from './registry';
export * from './head-options';
export * from './ema';
export * from './stop-gradient';
export * from './target-copy';
export * from './two-views';
export * from './random-patch-mask';
export * from './simclr';
export * from './byol';
export * from './simsiam';
export * from './dino';
export * from './vicreg';
export * from './mae';
export * from './supervised';
export * from './alignment-regularizer';
