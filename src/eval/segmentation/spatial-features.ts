import * as tf from '@tensorflow/tfjs-core';
import type { Encoder } from '../../encoders/encoder';
import { check, InputError } from '../../util/errors';
import { resolveOptions, rule } from '../../util/options';

/**
 * Where spatial features came from: an encoder's last feature map before its global pool
 * (CNN, ResNet), its last block's patch tokens (ViT), or its representation of windows
 * around a grid of centres (encoders without a spatial map, e.g. an MLP).
 */
export type SpatialFeatureSource = 'feature-map' | 'tokens' | 'windows';

/** Options of `spatialFeatures`. */
export interface SpatialFeatureOptions {
  /** Images per forward pass (in `windows` mode each contributes `windowGrid^2` windows). Default 32. */
  batchSize: number;
  /** `auto` (default): the encoder's own map or tokens when it has them, else windows; `windows`: always windows. */
  method: 'auto' | 'windows';
  /**
   * Name of the `applyLayers` output to read: a map `[b, h, w, c]`, tokens `[b, t, d]`, or
   * vectors `[b, d]` (then each window's, e.g. an MLP's `hidden1`). `null` (default): the last
   * map or tokens before `pool`, else (and with `method: 'windows'`) the representation.
   */
  layer: string | null;
  /** Windows per side in `windows` mode: centres at `floor((i + 0.5) * size / windowGrid)`. Default 7. */
  windowGrid: number;
}

/** Defaults of `spatialFeatures`. */
export const defaultSpatialFeatureOptions: SpatialFeatureOptions = { batchSize: 32, method: 'auto', layer: null, windowGrid: 7 };

const spatialRules = {
  batchSize: rule.int({ min: 1 }),
  method: rule.choice(['auto', 'windows'] as const),
  layer: rule.nullable(rule.name()),
  windowGrid: rule.int({ min: 1 }),
};

/** Checks and fills in `spatialFeatures` options. */
export function resolveSpatialFeatureOptions(options: Partial<SpatialFeatureOptions> = {}, where = 'spatialFeatures options'): SpatialFeatureOptions {
  return resolveOptions(defaultSpatialFeatureOptions, spatialRules, options, where);
}

/** Images for `spatialFeatures`: a float tensor `[n, h, w, c]` (values in [0, 1]) or bytes with their shape (e.g. an `ImageDataset`). */
export type SpatialFeatureInput = tf.Tensor4D | { readonly images: Uint8Array; readonly shape: readonly [number, number, number] };

/** Result of `spatialFeatures`. */
export interface SpatialFeatures {
  /** `[n, gridHeight, gridWidth, dim]`, owned by the caller. */
  readonly features: tf.Tensor4D;
  readonly how: SpatialFeatureSource;
  /** The `applyLayers` output read (`null`: windows through `encoder.apply`). */
  readonly layer: string | null;
}

/** What to read from an encoder, decided once from a probe batch. */
interface Plan {
  how: SpatialFeatureSource;
  layer: string | null;
  /** Tokens mode: leading tokens to drop (the class token) and the patch grid. */
  skip: number;
  rows: number;
  cols: number;
}

function planFor(encoder: Encoder, o: SpatialFeatureOptions, where: string): Plan {
  const windows = (layer: string | null): Plan => ({ how: 'windows', layer, skip: 0, rows: o.windowGrid, cols: o.windowGrid });
  if (encoder.applyLayers === undefined) {
    check(o.layer === null, `${where}: options.layer`, 'null (the encoder has no applyLayers)', String(o.layer));
    return windows(null);
  }
  const [h, w, c] = encoder.config.inputShape;
  const probe = tf.zeros([1, h, w, c]) as tf.Tensor4D;
  const outputs = encoder.applyLayers(probe, false);
  const layers = outputs.map((l) => ({ name: l.name, shape: l.output.shape }));
  outputs.forEach((l) => l.output.dispose());
  probe.dispose();
  let pick: { name: string; shape: number[] } | undefined;
  if (o.layer !== null) {
    pick = layers.find((l) => l.name === o.layer);
    check(pick !== undefined, `${where}: options.layer`, `one of the encoder's layers ${layers.map((l) => l.name).join(', ')}`, o.layer);
    if (o.method === 'windows' || pick.shape.length === 2) {
      check(pick.shape.length === 2, `${where}: options.layer`, 'a layer of vectors [batch, dim] (method "windows")', `${o.layer} of shape [${pick.shape}]`);
      return windows(pick.name);
    }
    check(pick.shape.length === 3 || pick.shape.length === 4, `${where}: options.layer`, 'a layer with a spatial map, tokens or vectors (rank 2 to 4)', `${o.layer} of shape [${pick.shape}]`);
  } else if (o.method === 'windows') {
    return windows(null);
  } else {
    const pool = layers.findIndex((l) => l.name === 'pool');
    for (let i = pool - 1; i >= 0; i--) {
      if (layers[i].shape.length === 3 || layers[i].shape.length === 4) {
        pick = layers[i];
        break;
      }
    }
    if (pick === undefined) return windows(null);
  }
  if (pick.shape.length === 4) return { how: 'feature-map', layer: pick.name, skip: 0, rows: pick.shape[1], cols: pick.shape[2] };
  const count = pick.shape[1];
  const grid = encoder.tokens?.grid;
  if (grid !== undefined && (count === grid.tokens || count === grid.tokens + 1)) {
    return { how: 'tokens', layer: pick.name, skip: count - grid.tokens, rows: grid.rows, cols: grid.cols };
  }
  // No patch grid given: square grids, with or without one leading class token.
  for (const skip of [0, 1]) {
    const side = Math.round(Math.sqrt(count - skip));
    if (side * side === count - skip) return { how: 'tokens', layer: pick.name, skip, rows: side, cols: side };
  }
  throw new InputError(`${where}: layer ${pick.name}`, 'tokens on a square patch grid (or the encoder.tokens grid)', `${count} tokens`);
}

/** Images `start .. end-1` as a float tensor in [0, 1]. */
function imageBatch(images: SpatialFeatureInput, shape: readonly [number, number, number], start: number, end: number): tf.Tensor4D {
  if (images instanceof tf.Tensor) return tf.slice(images, [start, 0, 0, 0], [end - start, -1, -1, -1]);
  const per = shape[0] * shape[1] * shape[2];
  const values = new Float32Array((end - start) * per);
  const bytes = images.images;
  for (let i = 0; i < values.length; i++) values[i] = bytes[start * per + i] / 255;
  return tf.tensor4d(values, [end - start, shape[0], shape[1], shape[2]]);
}

/**
 * Windows of the encoder's input size centred on a `grid x grid` lattice of each image
 * (zero padding outside), `[batch * grid * grid, wh, ww, c]`, windows row-major per image.
 */
function windowBatch(x: tf.Tensor4D, windowShape: readonly [number, number], grid: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const [wh, ww] = windowShape;
  const top = Math.floor(wh / 2);
  const left = Math.floor(ww / 2);
  const padded = tf.pad(x, [[0, 0], [top, wh - top], [left, ww - left], [0, 0]]);
  const windows: tf.Tensor4D[] = [];
  for (let i = 0; i < grid; i++) {
    const cy = Math.floor(((i + 0.5) * h) / grid);
    for (let j = 0; j < grid; j++) {
      const cx = Math.floor(((j + 0.5) * w) / grid);
      // Window rows cy - top .. cy - top + wh - 1 of the image = rows cy .. of the padded one.
      windows.push(tf.slice(padded, [0, cy, cx, 0], [b, wh, ww, c]));
    }
  }
  return tf.reshape(tf.stack(windows, 1), [b * grid * grid, wh, ww, c]);
}

/**
 * Spatial features of frozen-encoder inputs for dense prediction, `[n, gh, gw, dim]`
 * (inference mode: `training` false), batch by batch inside `tf.tidy`:
 *
 * - `feature-map` (CNN, ResNet): the last 4-D `applyLayers` output before `pool` (e.g.
 *   the CNN's last block or the ResNet's last stage), `[n, h', w', channels]`.
 * - `tokens` (ViT): the last block's tokens `[n, tokens, dim]` with the class token
 *   dropped, reshaped to the patch grid `[n, rows, cols, dim]`.
 * - `windows` (no spatial map, e.g. an MLP; or `method: 'windows'`): each image is
 *   zero-padded and cut into `windowGrid x windowGrid` windows of the encoder's input size,
 *   centred at `(floor((i + 0.5) H / g), floor((j + 0.5) W / g))`, and each window's
 *   representation `encoder.apply(window)` (or its `layer` output) is one cell: the encoder
 *   becomes a sliding-window feature extractor. Images may then have any height and width
 *   (same channels); a forward pass sees `batchSize * windowGrid^2` windows.
 *
 * In the first two modes the images must have the encoder's input shape.
 */
export function spatialFeatures(encoder: Encoder, images: SpatialFeatureInput, options: Partial<SpatialFeatureOptions> = {}): SpatialFeatures {
  const where = 'eval/spatialFeatures';
  const o = resolveSpatialFeatureOptions(options, `${where} options`);
  check(encoder !== null && typeof encoder === 'object' && typeof encoder.apply === 'function', `${where}: encoder`, 'an Encoder', String(encoder));
  let shape: readonly [number, number, number];
  let n: number;
  if (images instanceof tf.Tensor) {
    check(images.rank === 4 && images.dtype === 'float32', `${where}: images`, 'a float32 tensor [n, h, w, c]', `${images.dtype} shape [${images.shape}]`);
    shape = [images.shape[1], images.shape[2], images.shape[3]];
    n = images.shape[0];
  } else {
    check(images !== null && typeof images === 'object' && images.images instanceof Uint8Array && Array.isArray(images.shape) && images.shape.length === 3, `${where}: images`, 'a tf.Tensor4D or { images: Uint8Array, shape: [h, w, c] }', String(images));
    shape = images.shape;
    const per = shape[0] * shape[1] * shape[2];
    check(per > 0 && images.images.length % per === 0, `${where}: images.images`, `a multiple of ${shape.join(' x ')} bytes`, `${images.images.length}`);
    n = images.images.length / per;
  }
  check(n >= 1, `${where}: images`, 'at least one image', '0 images');
  const [eh, ew, ec] = encoder.config.inputShape;
  const plan = planFor(encoder, o, where);
  if (plan.how === 'windows') {
    check(shape[2] === ec, `${where}: images`, `${ec} channels like the encoder's input`, `${shape[2]}`);
  } else {
    check(shape[0] === eh && shape[1] === ew && shape[2] === ec, `${where}: images`, `the encoder's input shape [${eh}, ${ew}, ${ec}] (method "${plan.how}")`, `[${shape.join(', ')}]`);
  }

  const parts: tf.Tensor4D[] = [];
  try {
    for (let start = 0; start < n; start += o.batchSize) {
      const end = Math.min(n, start + o.batchSize);
      parts.push(
        tf.tidy(() => {
          const x = imageBatch(images, shape, start, end);
          const b = end - start;
          if (plan.how === 'windows') {
            const cut = windowBatch(x, [eh, ew], o.windowGrid);
            const z = plan.layer === null ? encoder.apply(cut, false) : encoder.applyLayers!(cut, false).find((l) => l.name === plan.layer)!.output;
            return tf.reshape(z, [b, plan.rows, plan.cols, z.shape[1]!]) as tf.Tensor4D;
          }
          const out = encoder.applyLayers!(x, false).find((l) => l.name === plan.layer)!.output;
          if (plan.how === 'feature-map') return out as tf.Tensor4D;
          const dim = out.shape[2]!;
          const patches = tf.slice(out, [0, plan.skip, 0], [b, plan.rows * plan.cols, dim]);
          return tf.reshape(patches, [b, plan.rows, plan.cols, dim]) as tf.Tensor4D;
        }),
      );
    }
    const features = parts.length === 1 ? parts.pop()! : (tf.concat(parts, 0) as tf.Tensor4D);
    return { features, how: plan.how, layer: plan.layer };
  } finally {
    parts.forEach((t) => t.dispose());
  }
}
