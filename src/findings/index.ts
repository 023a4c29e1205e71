// Re-exports only: the findings (each a folder; the registry names them) and their shared parts.
export * from './finding';
export * from './train-stages';
export * from './registry';
