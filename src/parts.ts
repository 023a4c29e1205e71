// `sslmem/parts`: the parts a framework is composed of, for writing one of your own. Layers
// and encoders, augmentations, heads, losses, the frameworks themselves (each a short file of
// these), the training step and optimizers, the memorization kernels (alignment loss,
// representers, SSLMem, label, layer and unit memorization), the backend's kernels with
// their conformance suite, and the options language every part resolves its options with.
export { createRng, hashString, type Rng } from './util/rng';
export * from './util/options';
export * from './backend';
export * from './augment';
export * from './encoders';
export * from './heads';
export * from './losses';
export * from './methods';
export * from './train';
export * from './memorization';
export { runConformance, conformanceCases, conformanceSummary, formatConformanceTable } from './conformance';
export type { ConformanceCase, ConformanceOptions, ConformanceReport, ConformanceRow } from './conformance';
