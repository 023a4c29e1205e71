import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode as encodeJpeg } from 'jpeg-js';
import { pngCodec } from '../../util/pngjs';
import type { ImageDataset } from '../dataset';

/** Options of `writeImageFolder`. */
export interface WriteImageFolderOptions {
  /** Which images (ids into `ds`); default all. */
  ids?: ArrayLike<number>;
  /** `png`, `jpeg`, or `mixed` (alternating, PNG first). Default `png`. */
  format?: 'png' | 'jpeg' | 'mixed';
  /** JPEG quality, 1..100. Default 92. */
  quality?: number;
  /** Subfolder inside `dir` to write into, e.g. `test`. Default none. */
  split?: string;
  /** Class folder for every image (e.g. to file images of one class under another). Default: each image's class name, else its label. */
  classFolder?: string;
}

/**
 * Writes images of a dataset as an image folder: `dir/<class>/<id>.png` (class names with
 * characters other than letters, digits, `.`, `_`, `-` as `-`; else the label), grey images as
 * grey PNGs (JPEGs are always colour). Returns the written paths relative to `dir`. The
 * inverse of `loadImageFolder`, for examples and tests (notebooks/10 writes one from
 * Fashion-MNIST).
 */
export function writeImageFolder(ds: ImageDataset, dir: string, options: WriteImageFolderOptions = {}): string[] {
  const [h, w, c] = ds.shape;
  const ids = options.ids ?? Array.from({ length: ds.labels.length }, (_, i) => i);
  const written: string[] = [];
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    const label = ds.labels[id];
    const cls = options.classFolder ?? ds.classNames?.[label]?.replace(/[^A-Za-z0-9._-]+/g, '-') ?? String(label);
    const format = options.format === 'mixed' ? (k % 2 === 0 ? 'png' : 'jpeg') : (options.format ?? 'png');
    const rgba = Buffer.alloc(h * w * 4);
    for (let p = 0; p < h * w; p++) {
      for (let ch = 0; ch < 3; ch++) rgba[p * 4 + ch] = ds.images[(id * h * w + p) * c + (c === 1 ? 0 : ch)];
      rgba[p * 4 + 3] = 255;
    }
    const folder = join(dir, ...(options.split === undefined ? [] : [options.split]), cls);
    mkdirSync(folder, { recursive: true });
    const name = `${String(id).padStart(5, '0')}.${format === 'png' ? 'png' : 'jpg'}`;
    let bytes: Uint8Array;
    if (format === 'jpeg') {
      bytes = encodeJpeg({ data: rgba, width: w, height: h }, options.quality ?? 92).data;
    } else {
      const PNG = pngCodec();
      const png = new PNG({ width: w, height: h });
      png.data = rgba;
      bytes = PNG.sync.write(png, { colorType: c === 1 ? 0 : 2 } as Parameters<typeof PNG.sync.write>[1]);
    }
    writeFileSync(join(folder, name), bytes);
    written.push([...(options.split === undefined ? [] : [options.split]), cls, name].join('/'));
  }
  return written;
}
