// Re-exports only: image folders as datasets.
export * from './image-folder-spec';
export * from './image-header';
export * from './decode-image';
export * from './fit-image';
export * from './scan-image-folder';
export * from './image-cache';
export * from './load-image-folder';
export * from './image-folder-facts';
export * from './write-image-folder';
