import * as tf from '@tensorflow/tfjs-core';
import { augmentEach } from '../augment/augment-each';
import type { Augmentation } from '../augment/augmentation';
import type { Encoder } from '../encoders/encoder';
import { check } from '../util/errors';
import { imageSourceSize, pointKeys, readImageBatch, type ImageSource } from './image-source';
import { checkLayerName, layerOutput } from './layer-mem';
import { scoringViewRng } from './view-rng';

/** How UnitMem summarises the points other than the most activating one. */
export type UnitMemVariant = 'mean' | 'median';

const VARIANTS: readonly UnitMemVariant[] = ['mean', 'median'];

/** Options of `unitMem`. */
export interface UnitMemOptions {
  /** Augmented views per point that a unit's activation is averaged over. Default 10. */
  augmentations: number;
  /** `'mean'` (the paper's formula) or `'median'` (the official script) of the other points. Default `'mean'`. */
  variant: UnitMemVariant;
  /** Points per batch (memory and speed only). Default 128. */
  batchSize: number;
  /** Seed of the views. Default 0. */
  seed: number;
  /** Also return the mean activation of every point and unit. Default false. */
  keepActivations: boolean;
}

/** Defaults of `UnitMemOptions`. */
export const defaultUnitMemOptions: UnitMemOptions = { augmentations: 10, variant: 'mean', batchSize: 128, seed: 0, keepActivations: false };

/** What `unitMem` returns, one entry per unit of the layer. */
export interface UnitMemResult {
  /** UnitMem(u) = (mu_max - mu_rest) / (mu_max + mu_rest); 0 where both are 0 (a dead unit). */
  unitMem: Float32Array;
  /** Index into the image source of the point with the largest mean activation mu_max. */
  topPoint: Int32Array;
  /** The least mean activation over all points and units: below 0 for a signed layer, where UnitMem has no [0, 1] reading. */
  minActivation: number;
  /** With `keepActivations`: mean activations `[points * units]`, row-major (point p, unit u at `p * units + u`). */
  meanActivation?: Float32Array;
}

function resolveOptions(options: Partial<UnitMemOptions>, where: string): UnitMemOptions {
  const o = { ...defaultUnitMemOptions, ...options };
  const intAtLeast1 = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1;
  check(intAtLeast1(o.augmentations), `${where}: options.augmentations`, 'an integer >= 1', String(o.augmentations));
  check(intAtLeast1(o.batchSize), `${where}: options.batchSize`, 'an integer >= 1', String(o.batchSize));
  check(Number.isInteger(o.seed), `${where}: options.seed`, 'an integer', String(o.seed));
  check(VARIANTS.includes(o.variant), `${where}: options.variant`, `one of ${VARIANTS.join(', ')}`, String(o.variant));
  check(typeof o.keepActivations === 'boolean', `${where}: options.keepActivations`, 'a boolean', String(o.keepActivations));
  return o;
}

/**
 * A layer output as one activation per unit `[b, units]`: a column of `[b, d]`, a channel
 * of `[b, h, w, c]` averaged over h and w, a feature of tokens `[b, t, d]` averaged over t.
 */
export function unitActivations(output: tf.Tensor, where = 'memorization/unitActivations'): tf.Tensor2D {
  check(output.rank >= 2 && output.rank <= 4, `${where}: layer output`, 'a tensor [b, d], [b, t, d] or [b, h, w, c]', `shape [${output.shape}]`);
  if (output.rank === 2) return output.clone() as tf.Tensor2D;
  return tf.mean(output, output.rank === 3 ? 1 : [1, 2]) as tf.Tensor2D;
}

function restOf(values: Float64Array, skip: number, variant: UnitMemVariant): number {
  const others = values.filter((_, i) => i !== skip);
  if (variant === 'mean') return others.reduce((s, v) => s + v, 0) / others.length;
  others.sort();
  const mid = others.length >> 1;
  return others.length % 2 === 1 ? others[mid] : (others[mid - 1] + others[mid]) / 2;
}

/**
 * UnitMem (Wang et al. 2024, "Localizing Memorization in SSL Vision Encoders") of every unit
 * of layer `layer`: mu_u(x) is unit u's activation (see `unitActivations`) averaged over
 * `augmentations` augmented views of x, and UnitMem(u) = (mu_max - mu_rest) / (mu_max +
 * mu_rest) with mu_max the largest mu_u over the points and mu_rest the mean (or median) of
 * the others. It lies in [0, 1] for non-negative activations (relu layers); on layers with
 * signed outputs (e.g. a linear `out`) it is computed as given but has no such reading.
 * View a of point x comes from `scoringViewRng(seed, key(x), a, 0)`, the first view of
 * SSLMem's pair a, so results do not depend on batching. Needs at least two points.
 */
export async function unitMem(
  encoder: Encoder,
  layer: string,
  images: ImageSource,
  augment: Augmentation,
  options: Partial<UnitMemOptions> = {},
): Promise<UnitMemResult> {
  const where = 'memorization/unitMem';
  const o = resolveOptions(options, where);
  checkLayerName(encoder, layer, where);
  check(typeof augment === 'function', `${where}: augment`, 'a function', typeof augment);
  const n = imageSourceSize(images, where);
  check(n >= 2, `${where}: images`, 'at least two points', String(n));
  let units = -1;
  let means = new Float32Array(0);
  for (let start = 0; start < n; start += o.batchSize) {
    const end = Math.min(n, start + o.batchSize);
    const keys = pointKeys(images, start, end);
    const x = readImageBatch(images, start, end, where);
    let batchMean: tf.Tensor2D;
    try {
      batchMean = tf.tidy(() => {
        let sum: tf.Tensor2D | null = null;
        for (let a = 0; a < o.augmentations; a++) {
          const next: tf.Tensor2D = tf.tidy(() => {
            const view = augmentEach(augment, x, keys.map((key) => scoringViewRng(o.seed, key, a, 0)));
            const acts = unitActivations(layerOutput(encoder, layer, view), where);
            return sum === null ? acts : tf.add(sum, acts);
          });
          sum?.dispose();
          sum = next;
        }
        return tf.div(sum!, o.augmentations) as tf.Tensor2D;
      });
    } finally {
      x.dispose();
    }
    try {
      if (units < 0) {
        units = batchMean.shape[1];
        means = new Float32Array(n * units);
      }
      means.set(await batchMean.data(), start * units);
    } finally {
      batchMean.dispose();
    }
  }
  const result: UnitMemResult = { unitMem: new Float32Array(units), topPoint: new Int32Array(units), minActivation: means.reduce((m, v) => Math.min(m, v), Infinity) };
  const column = new Float64Array(n);
  for (let u = 0; u < units; u++) {
    let top = 0;
    for (let p = 0; p < n; p++) {
      column[p] = means[p * units + u];
      if (column[p] > column[top]) top = p;
    }
    const max = column[top];
    const rest = restOf(column, top, o.variant);
    result.topPoint[u] = top;
    result.unitMem[u] = max - rest === 0 ? 0 : (max - rest) / (max + rest);
  }
  if (o.keepActivations) result.meanActivation = means;
  return result;
}
