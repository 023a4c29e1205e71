import type { ImageDataset } from '../data/dataset';
import { check, InputError } from '../util/errors';
import { encodePng } from './encode-png';
import { createRaster, drawText, parseColor } from './raster';
import { wrapWords } from './wrap-words';

/** Raw images: `shape` is `[n, height, width, channels]` (channels 1 or 3) or `[n, height, width]`. */
export interface ImageArray {
  readonly values: ArrayLike<number>;
  readonly shape: readonly number[];
}

/** Something `dataSync`-able with a shape, e.g. a `tf.Tensor` `[n, height, width, channels]`. */
export interface TensorLikeImages {
  readonly shape: readonly number[];
  dataSync(): ArrayLike<number>;
}

/** What `imageGridPng` draws. */
export type ImageGridSource = ImageDataset | ImageArray | TensorLikeImages;

/** Options of `imageGridPng`. */
export interface ImageGridOptions {
  /** Which images to show (indices into the source); the first `limit` by default. */
  indices?: readonly number[];
  /** At most this many images when `indices` is not given. Default 64. */
  limit?: number;
  /** Images per row. Default 8 (fewer when fewer images). */
  columns?: number;
  /** Each image pixel becomes `scale x scale` pixels. Default 2. */
  scale?: number;
  /** Pixels between images. Default 2. */
  padding?: number;
  /** A caption under each shown image (e.g. its score), wrapped at spaces to the image's width. */
  captions?: readonly string[];
  /** Value range mapped to black..white for float images; detected ([0,1], [-1,1] or min..max) by default. Bytes are 0..255. */
  range?: readonly [number, number];
  /** Background colour. Default white. */
  background?: string;
}

/** Defaults of `imageGridPng`. */
export const defaultImageGridOptions = { limit: 64, columns: 8, scale: 2, padding: 2, background: '#ffffff' } as const;

/**
 * A PNG with images side by side in rows (e.g. the most and least memorized examples),
 * captions under them. Sources: an `ImageDataset`, raw values with a shape, or a tensor
 * `[n, height, width, channels]` / `[n, height, width]`.
 */
export function imageGridPng(source: ImageGridSource, options: ImageGridOptions = {}): Uint8Array {
  const where = 'imageGridPng';
  const o = { ...defaultImageGridOptions, ...options };
  const { values, shape, bytes } = readSource(source, where);
  const [n, h, w, c] = shape;
  check(c === 1 || c === 3 || c === 4, `${where}: source shape`, '1, 3 or 4 channels', String(c));
  const indices = o.indices ? [...o.indices] : Array.from({ length: Math.min(n, o.limit) }, (_, i) => i);
  indices.forEach((i, k) => check(Number.isInteger(i) && i >= 0 && i < n, `${where}: options.indices[${k}]`, `an integer in [0, ${n})`, String(i)));
  if (o.captions) check(o.captions.length === indices.length, `${where}: options.captions`, `${indices.length} captions (one per image)`, String(o.captions.length));
  check(Number.isInteger(o.scale) && o.scale >= 1, `${where}: options.scale`, 'a positive integer', String(o.scale));
  const [lo, hi] = o.range ?? (bytes ? [0, 255] : detectRange(values));
  const span = hi - lo || 1;
  const columns = Math.max(1, Math.min(o.columns, indices.length));
  const rows = Math.max(1, Math.ceil(indices.length / columns));
  const tileW = w * o.scale;
  // Captions wider than their image wrap at spaces onto more lines (every tile gets the most any needs).
  const maxChars = Math.max(1, Math.floor((tileW + 1) / 6));
  const captionLines = o.captions ? o.captions.map((text) => wrapWords(text, maxChars)) : [];
  const captionH = o.captions ? 11 * Math.max(1, ...captionLines.map((l) => l.length)) : 0;
  const tileH = h * o.scale + captionH;
  const width = columns * tileW + (columns + 1) * o.padding;
  const height = rows * tileH + (rows + 1) * o.padding;
  const r = createRaster(width, height, parseColor(o.background));
  const ink = parseColor('#2a3f5f');
  indices.forEach((img, k) => {
    const x0 = o.padding + (k % columns) * (tileW + o.padding);
    const y0 = o.padding + Math.floor(k / columns) * (tileH + o.padding);
    for (let y = 0; y < h * o.scale; y++) {
      for (let x = 0; x < tileW; x++) {
        const src = ((img * h + Math.floor(y / o.scale)) * w + Math.floor(x / o.scale)) * c;
        const dst = ((y0 + y) * width + x0 + x) * 4;
        for (let ch = 0; ch < 3; ch++) {
          const v = values[src + (c === 1 ? 0 : ch)]!;
          r.rgba[dst + ch] = Math.max(0, Math.min(255, Math.round(((v - lo) / span) * 255)));
        }
      }
    }
    captionLines[k]?.forEach((text, line) => {
      drawText(r, x0 + Math.max(0, (tileW - (text.length * 6 - 1)) / 2), y0 + h * o.scale + 2 + 11 * line, text, ink, 1);
    });
  });
  return encodePng(r.rgba, width, height);
}

function readSource(source: ImageGridSource, where: string): { values: ArrayLike<number>; shape: [number, number, number, number]; bytes: boolean } {
  if ('images' in source && 'labels' in source) {
    const [h, w, c] = source.shape;
    return { values: source.images, shape: [source.labels.length, h, w, c], bytes: true };
  }
  const values = 'dataSync' in source ? source.dataSync() : source.values;
  const s = source.shape;
  if (s.length !== 3 && s.length !== 4) throw new InputError(`${where}: source shape`, '[n, height, width, channels] or [n, height, width]', JSON.stringify(s));
  const shape: [number, number, number, number] = [s[0]!, s[1]!, s[2]!, s.length === 4 ? s[3]! : 1];
  const size = shape.reduce((a, b) => a * b, 1);
  check(values.length === size, `${where}: source values`, `${shape.join(' * ')} = ${size} values`, String(values.length));
  return { values, shape, bytes: values instanceof Uint8Array || values instanceof Uint8ClampedArray };
}

function detectRange(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo >= 0 && hi <= 1) return [0, 1];
  if (lo >= -1 && hi <= 1) return [-1, 1];
  return [lo, hi];
}
