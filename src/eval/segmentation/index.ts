// Re-exports only: a segmentation downstream task (digit canvases, mIoU) for frozen encoders.
export * from './resample-weights';
export * from './segmentation-masks';
export * from './canvases';
export * from './spatial-features';
export * from './segmentation-decoder';
export * from './mean-iou';
export * from './segmentation-task';
