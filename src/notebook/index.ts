// Notebook room: display helpers for tslab (the only code that knows about the kernel).
export * from './mime-bundle';
export { inKernel, sendToKernel } from './tslab-kernel';
export * from './figure-bundle';
export * from './show-figure';
export * from './show-table';
export * from './show-image-grid';
export * from './progress-bar';
export * from './training-progress';
export * from './print-table';
export { plotlyJsVersion, plotlyScriptHtml } from './plotly-js';
export * from './show-verdict';
export * from './show-memorization-report';
