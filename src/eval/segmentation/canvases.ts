import { datasetSize, type ImageDataset } from '../../data/dataset';
import { idsOf } from '../../data/subset';
import { check } from '../../util/errors';
import { resolveOptions, rule } from '../../util/options';
import { createRng } from '../../util/rng';
import { resampleMethods, resampleWeights, type ResampleMethod } from './resample-weights';
import type { SegmentationMasks } from './segmentation-masks';

/** Options of `digitCanvases`. */
export interface DigitCanvasOptions {
  /** Number of canvases; `null` (default): `floor(ids.length / digitsPerCanvas)`, at least 1, so each id is drawn about once. */
  count: number | null;
  /** Canvas height in pixels. Default 28 (the MNIST encoders' input, so they apply unchanged). */
  height: number;
  /** Canvas width in pixels. Default 28. */
  width: number;
  /** Digits drawn on each canvas. Default 3. */
  digitsPerCanvas: number;
  /** Side of each digit after resampling (square). Default 14 (MNIST's 28 halved). */
  digitSize: number;
  /** How digits are resampled to `digitSize`: `area` (default, box-filter average) or `bilinear`. */
  resize: ResampleMethod;
  /** A pixel is a digit's where that digit's intensity exceeds `threshold * 255`. Default 0.25. */
  threshold: number;
  /** Seed of the digit order and positions. Default 0. */
  seed: number;
}

/** Defaults of `digitCanvases`. */
export const defaultDigitCanvasOptions: DigitCanvasOptions = {
  count: null,
  height: 28,
  width: 28,
  digitsPerCanvas: 3,
  digitSize: 14,
  resize: 'area',
  threshold: 0.25,
  seed: 0,
};

const canvasRules = {
  count: rule.nullable(rule.int({ min: 1 })),
  height: rule.int({ min: 1 }),
  width: rule.int({ min: 1 }),
  digitsPerCanvas: rule.int({ min: 1 }),
  digitSize: rule.int({ min: 1 }),
  resize: rule.choice(resampleMethods),
  threshold: rule.number({ min: 0, max: 1, maxOpen: true }),
  seed: rule.int(),
};

/** Checks and fills in `digitCanvases` options. */
export function resolveDigitCanvasOptions(options: Partial<DigitCanvasOptions> = {}, where = 'digitCanvases options'): DigitCanvasOptions {
  const o = resolveOptions(defaultDigitCanvasOptions, canvasRules, options, where);
  check(o.digitSize <= o.height && o.digitSize <= o.width, `${where}.digitSize`, `at most the canvas size ${o.height} x ${o.width}`, String(o.digitSize));
  return o;
}

/**
 * Segmentation canvases and their masks (see `digitCanvases`). Canvas `i` drew the digits
 * `i * digitsPerCanvas .. (i + 1) * digitsPerCanvas - 1` of `sourceIds`, `digitLabels` and
 * `positions`, in drawing order.
 */
export interface DigitCanvases extends SegmentationMasks {
  /**
   * The canvases as a dataset of shape `[height, width, channels]` (channels of the source);
   * an image's label is its dominant digit class (most mask pixels; ties: the smaller
   * class; 0 for a canvas without foreground).
   */
  readonly images: ImageDataset;
  /** Per-pixel class, `n * height * width` entries: 0 background, `1 + digit class` elsewhere. */
  readonly masks: Uint8Array;
  /** Mask classes: the source's classes + 1 (background), e.g. 11 for MNIST. */
  readonly numClasses: number;
  readonly digitsPerCanvas: number;
  /** Id of each digit drawn (its id in the source file, `idsOf(source)`), `n * digitsPerCanvas`. */
  readonly sourceIds: Int32Array;
  /** Class of each digit drawn, `n * digitsPerCanvas`. */
  readonly digitLabels: Int32Array;
  /** Top-left corner `(row, col)` of each digit drawn, `n * digitsPerCanvas * 2`. */
  readonly positions: Int32Array;
}

/**
 * Resamples image `index` of `ds` to `[size, size, c]` bytes (separable weights: rows, then columns).
 */
function resampledDigit(ds: ImageDataset, index: number, rowWeights: Float64Array, colWeights: Float64Array, size: number): Uint8Array {
  const [h, w, c] = ds.shape;
  const src = ds.images.subarray(index * h * w * c, (index + 1) * h * w * c);
  const rows = new Float64Array(size * w * c); // [size, w, c]
  for (let y = 0; y < size; y++) {
    for (let s = 0; s < h; s++) {
      const wy = rowWeights[y * h + s];
      if (wy === 0) continue;
      for (let k = 0; k < w * c; k++) rows[y * w * c + k] += wy * src[s * w * c + k];
    }
  }
  const out = new Uint8Array(size * size * c);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let ch = 0; ch < c; ch++) {
        let v = 0;
        for (let t = 0; t < w; t++) v += colWeights[x * w + t] * rows[(y * w + t) * c + ch];
        out[(y * size + x) * c + ch] = Math.min(255, Math.max(0, Math.round(v)));
      }
    }
  }
  return out;
}

/**
 * Canvases for a segmentation task built from real digits: each canvas (zeros, `height x
 * width`, the source's channels) gets `digitsPerCanvas` images of `source`, resampled to
 * `digitSize` (bytes, rounded) and placed with their top-left corner uniform over the
 * positions that keep them inside, composited by maximum intensity. A pixel's mask is
 * `1 + class` of the digit whose resampled intensity (mean over channels) is highest there
 * (ties: the digit drawn first) when that intensity exceeds `threshold * 255`, else 0.
 * With one channel: mask > 0 exactly where the canvas byte exceeds `threshold * 255`.
 *
 * Digits come from `ids` (positions in `source`) in a seeded order: a shuffled pass over
 * `ids`, reshuffled when used up, so every id is drawn about equally often. Deterministic:
 * the same source, ids and options give the same canvases.
 */
export function digitCanvases(source: ImageDataset, ids: Int32Array | readonly number[], options: Partial<DigitCanvasOptions> = {}): DigitCanvases {
  const where = 'eval/digitCanvases';
  const o = resolveDigitCanvasOptions(options, `${where} options`);
  check(source !== null && typeof source === 'object' && source.images instanceof Uint8Array, `${where}: source`, 'an ImageDataset', String(source));
  const [sh, sw, c] = source.shape;
  const n = datasetSize(source);
  check(source.numClasses >= 1 && source.numClasses <= 255, `${where}: source.numClasses`, 'at most 255 classes (masks are bytes)', String(source.numClasses));
  check(ids !== null && typeof ids === 'object' && ids.length >= 1, `${where}: ids`, 'a non-empty array of indices', String(ids));
  const pool = Int32Array.from(ids);
  for (let j = 0; j < pool.length; j++) {
    check(Number.isInteger(ids[j]) && pool[j] >= 0 && pool[j] < n, `${where}: ids[${j}]`, `an integer index in [0, ${n}) into ${source.name}/${source.source}`, String(ids[j]));
  }
  const { height: H, width: W, digitsPerCanvas: k, digitSize: d } = o;
  const count = o.count ?? Math.max(1, Math.floor(pool.length / k));
  const rowWeights = resampleWeights(sh, d, o.resize);
  const colWeights = resampleWeights(sw, d, o.resize);
  const limit = o.threshold * 255;
  const rng = createRng(o.seed);
  const orderRng = rng.fork('digit-canvases/order');
  const placeRng = rng.fork('digit-canvases/place');
  const sourceIdsAll = idsOf(source);

  const images = new Uint8Array(count * H * W * c);
  const masks = new Uint8Array(count * H * W);
  const labels = new Int32Array(count);
  const sourceIds = new Int32Array(count * k);
  const digitLabels = new Int32Array(count * k);
  const positions = new Int32Array(count * k * 2);
  const best = new Float64Array(H * W); // highest digit intensity per pixel
  const bestClass = new Int32Array(H * W);
  const classCounts = new Int32Array(source.numClasses);
  let order = orderRng.permutation(pool.length);
  let next = 0;

  for (let i = 0; i < count; i++) {
    const canvas = images.subarray(i * H * W * c, (i + 1) * H * W * c);
    best.fill(-1);
    for (let j = 0; j < k; j++) {
      if (next === order.length) {
        order = orderRng.permutation(pool.length);
        next = 0;
      }
      const index = pool[order[next++]];
      const label = source.labels[index];
      const digit = resampledDigit(source, index, rowWeights, colWeights, d);
      const top = placeRng.int(H - d + 1);
      const left = placeRng.int(W - d + 1);
      const slot = i * k + j;
      sourceIds[slot] = sourceIdsAll[index];
      digitLabels[slot] = label;
      positions[2 * slot] = top;
      positions[2 * slot + 1] = left;
      for (let y = 0; y < d; y++) {
        for (let x = 0; x < d; x++) {
          const p = (top + y) * W + left + x;
          let intensity = 0;
          for (let ch = 0; ch < c; ch++) {
            const v = digit[(y * d + x) * c + ch];
            if (v > canvas[p * c + ch]) canvas[p * c + ch] = v;
            intensity += v;
          }
          intensity /= c;
          if (intensity > best[p]) {
            best[p] = intensity;
            bestClass[p] = label;
          }
        }
      }
    }
    classCounts.fill(0);
    for (let p = 0; p < H * W; p++) {
      if (best[p] > limit) {
        masks[i * H * W + p] = 1 + bestClass[p];
        classCounts[bestClass[p]]++;
      }
    }
    let dominant = 0;
    for (let cl = 1; cl < classCounts.length; cl++) if (classCounts[cl] > classCounts[dominant]) dominant = cl;
    labels[i] = dominant;
  }

  const dataset: ImageDataset = {
    name: `${source.name}-canvases`,
    source: source.source,
    shape: [H, W, c],
    images,
    labels,
    numClasses: source.numClasses,
    ...(source.classNames === undefined ? {} : { classNames: source.classNames }),
  };
  return { images: dataset, masks, height: H, width: W, numClasses: source.numClasses + 1, digitsPerCanvas: k, sourceIds, digitLabels, positions };
}
