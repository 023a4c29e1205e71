// Re-exports only: the data room's public API.
export * from './dataset';
export * from './class-names';
export * from './sources';
export * from './data-dir';
export * from './read-data-file';
export * from './idx';
export * from './idx-dataset';
export * from './mnist';
export * from './cifar';
export * from './stl10';
export * from './synthetic';
export * from './to-tensor';
export * from './subset';
export * from './splits';
export * from './tar';
export * from './download';
export * from './load-dataset';
