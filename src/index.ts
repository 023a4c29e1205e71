// Re-exports only. Each room of the library has its own index.
export * from './util/rng';
export * from './util/errors';
