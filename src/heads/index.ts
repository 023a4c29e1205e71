// Re-exports only: heads that objectives put on top of an encoder.
export * from './projection-head';
export * from './prediction-head';
export * from './dino-head';
export * from './classifier-head';
export * from './mae-decoder';
