import { imageGridPng, type ImageGridOptions, type ImageGridSource } from '../plot/image-grid-png';
import { toBase64, type BundleSink, type MimeBundle } from './mime-bundle';
import { sendToKernel } from './tslab-kernel';

/** Options of `imageGridBundle` and `showImageGrid`: those of `imageGridPng` plus where to send. */
export interface ShowImageGridOptions extends ImageGridOptions {
  /** Where `showImageGrid` sends the bundle; the running tslab kernel by default. */
  send?: BundleSink;
}

/** Images in a grid as a MIME bundle: one PNG (`imageGridPng`) and a `text/plain` line. */
export function imageGridBundle(source: ImageGridSource, options: ShowImageGridOptions = {}): MimeBundle {
  const { send: _send, ...gridOptions } = options;
  const png = imageGridPng(source, gridOptions);
  const n = 'labels' in source ? source.labels.length : (source.shape[0] ?? 0);
  const shown = gridOptions.indices?.length ?? Math.min(n, gridOptions.limit ?? 64);
  return { 'image/png': toBase64(png), 'text/plain': `image grid: ${shown} image(s)` };
}

/**
 * Shows images in a grid as one PNG output (renders everywhere, GitHub included), e.g.
 * `showImageGrid(train, { indices: top, captions: top.map((i) => score[i].toFixed(2)) })`.
 * Outside a kernel it sends nothing.
 */
export function showImageGrid(source: ImageGridSource, options: ShowImageGridOptions = {}): void {
  const bundle = imageGridBundle(source, options);
  if (options.send) options.send(bundle);
  else sendToKernel(bundle);
}
