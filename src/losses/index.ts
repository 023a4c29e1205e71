// Re-exports only: training losses, pure functions of tensors.
export * from './l2-normalize';
export * from './log-sum-exp-rows';
export * from './nt-xent';
export * from './negative-cosine';
export * from './vicreg-terms';
export * from './cross-entropy';
export * from './dino-cross-entropy';
export * from './masked-patch-mse';
