import type { PNG as PngClass } from 'pngjs';

/**
 * pngjs's `PNG` class, loaded on first use: importing the library (a notebook's
 * `import * as sslmem`) does not load the PNG codec.
 */
export function pngCodec(): typeof PngClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('pngjs') as { PNG: typeof PngClass }).PNG;
}
