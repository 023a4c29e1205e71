// Re-exports only: SSLMem (alignment loss, scores, normalisations).
export * from './image-source';
export * from './representer';
export * from './view-rng';
export * from './alignment-loss';
export * from './normalize-scores';
export * from './sslmem-scores';
export * from './label-probabilities';
export * from './label-memorization';
export * from './layer-mem';
export * from './unit-mem';
