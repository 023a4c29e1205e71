import * as tf from '@tensorflow/tfjs-core';
import { augmentEach } from '../augment/augment-each';
import type { Augmentation } from '../augment/augmentation';
import { check } from '../util/errors';
import { imageSourceSize, pointKeys, readImageBatch, type ImageSource } from './image-source';
import type { Representer } from './representer';
import { scoringViewRng } from './view-rng';

/**
 * `'pairs'`: the paper's definition, d(f(x'), f(x'')) with x', x'' ~ Aug(x).
 * `'clean'`: the official code's variant, d(f(x), f(x')) with x' ~ Aug(x).
 */
export type AlignmentMode = 'pairs' | 'clean';

/** Options of `alignmentLoss`, `alignmentLosses` and `sslmemScores`. */
export interface AlignmentLossOptions {
  /** Number of augmented pairs per point (`'clean'`: augmented views per point). Default 10. */
  pairs: number;
  /** L2-normalise representations before the distance (as the official code). Default true. */
  normalize: boolean;
  /** Which views are compared, see `AlignmentMode`. Default `'pairs'`. */
  mode: AlignmentMode;
  /** Images per batch (memory and speed only: a point's views do not depend on it). Default 128. */
  batchSize: number;
  /** Seed of the augmentations. Default 0. */
  seed: number;
  /** Called after each batch with the number of points done and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** Defaults of `AlignmentLossOptions`. */
export const defaultAlignmentLossOptions: AlignmentLossOptions = {
  pairs: 10,
  normalize: true,
  mode: 'pairs',
  batchSize: 128,
  seed: 0,
};

const MODES: readonly AlignmentMode[] = ['pairs', 'clean'];

/** Merges options with the defaults and checks them (`InputError` naming the field). */
export function resolveAlignmentLossOptions(options: Partial<AlignmentLossOptions>, where: string): AlignmentLossOptions {
  const o = { ...defaultAlignmentLossOptions, ...options };
  const intAtLeast1 = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1;
  check(intAtLeast1(o.pairs), `${where}: options.pairs`, 'an integer >= 1', String(o.pairs));
  check(intAtLeast1(o.batchSize), `${where}: options.batchSize`, 'an integer >= 1', String(o.batchSize));
  check(Number.isInteger(o.seed), `${where}: options.seed`, 'an integer', String(o.seed));
  check(typeof o.normalize === 'boolean', `${where}: options.normalize`, 'a boolean', String(o.normalize));
  check(MODES.includes(o.mode), `${where}: options.mode`, `one of ${MODES.join(', ')}`, String(o.mode));
  check(
    o.onProgress === undefined || typeof o.onProgress === 'function',
    `${where}: options.onProgress`,
    'a function',
    typeof o.onProgress,
  );
  return o;
}

/** Rows scaled to unit L2 norm (norms clamped at 1e-12, like torch's F.normalize). */
function l2NormalizeRows(z: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(z, tf.maximum(tf.sqrt(tf.sum(tf.square(z), 1, true)), 1e-12)));
}

function represent(r: Representer, views: tf.Tensor4D, normalize: boolean, where: string): tf.Tensor2D {
  const m = views.shape[0];
  const z = r(views);
  check(
    z instanceof tf.Tensor && z.rank === 2 && z.shape[0] === m,
    `${where}: representer output`,
    `a 2-D tensor [${m}, dim]`,
    z instanceof tf.Tensor ? `shape [${z.shape}]` : String(z),
  );
  return normalize ? l2NormalizeRows(z) : z;
}

function checkView(view: tf.Tensor4D, x: tf.Tensor4D, where: string): void {
  check(
    view instanceof tf.Tensor && view.rank === 4 && view.shape.every((d, i) => d === x.shape[i]),
    `${where}: augment output`,
    `a tensor of the input's shape [${x.shape}]`,
    view instanceof tf.Tensor ? `shape [${view.shape}]` : String(view),
  );
}

/**
 * Sum over pairs of the per-point distances for one batch `x` of the points named `keys`,
 * one `[m]` tensor per representer. Views are drawn once per pair, each point's from its own
 * generator (`scoringViewRng`), and shared by all representers.
 */
function batchDistanceSums(
  representers: readonly Representer[],
  x: tf.Tensor4D,
  keys: readonly string[],
  augment: Augmentation,
  o: AlignmentLossOptions,
  where: string,
): tf.Tensor1D[] {
  // The outer tidy frees everything left over if a representer or augmentation throws.
  return tf.tidy(() => {
    const m = x.shape[0];
    let sums: tf.Tensor1D[] = representers.map(() => tf.zeros([m]) as tf.Tensor1D);
    const clean = o.mode === 'clean' ? representers.map((r) => tf.tidy(() => represent(r, x, o.normalize, where))) : null;
    const views = (pair: number, view: 0 | 1): tf.Tensor4D => augmentEach(augment, x, keys.map((key) => scoringViewRng(o.seed, key, pair, view)));
    for (let k = 0; k < o.pairs; k++) {
      const va = views(k, 0);
      checkView(va, x, where);
      const vb = clean === null ? views(k, 1) : null;
      if (vb !== null) checkView(vb, x, where);
      sums = sums.map((sum, j) => {
        const next = tf.tidy(() => {
          const za = represent(representers[j], va, o.normalize, where);
          const zb = clean === null ? represent(representers[j], vb as tf.Tensor4D, o.normalize, where) : clean[j];
          return tf.add(sum, tf.sqrt(tf.sum(tf.square(tf.sub(za, zb)), 1))) as tf.Tensor1D;
        });
        sum.dispose();
        return next;
      });
      if (va !== x) va.dispose();
      if (vb !== null && vb !== x) vb.dispose();
    }
    clean?.forEach((c) => c.dispose());
    return sums;
  });
}

/**
 * Alignment losses of several representers on the same augmented views, computed in one
 * pass: views are drawn once per batch and pair and every representer is applied to them.
 * Returns one `Float32Array` of length n per representer (see `alignmentLoss`).
 */
export async function alignmentLosses(
  representers: readonly Representer[],
  images: ImageSource,
  augment: Augmentation,
  options: Partial<AlignmentLossOptions> = {},
): Promise<Float32Array[]> {
  const where = 'memorization/alignmentLoss';
  const o = resolveAlignmentLossOptions(options, where);
  check(Array.isArray(representers) && representers.length > 0, `${where}: representers`, 'a non-empty array', String(representers?.length));
  representers.forEach((r, j) => check(typeof r === 'function', `${where}: representers[${j}]`, 'a function', typeof r));
  check(typeof augment === 'function', `${where}: augment`, 'a function', typeof augment);
  const n = imageSourceSize(images, where);
  const out = representers.map(() => new Float32Array(n));
  for (let start = 0; start < n; start += o.batchSize) {
    const end = Math.min(n, start + o.batchSize);
    const x = readImageBatch(images, start, end, where);
    let sums: tf.Tensor1D[];
    try {
      sums = batchDistanceSums(representers, x, pointKeys(images, start, end), augment, o, where);
    } finally {
      x.dispose();
    }
    try {
      const values = await Promise.all(sums.map((s) => s.data()));
      values.forEach((v, j) => {
        for (let i = 0; i < v.length; i++) out[j][start + i] = v[i] / o.pairs;
      });
    } finally {
      sums.forEach((s) => s.dispose());
    }
    o.onProgress?.(end, n);
  }
  return out;
}

/**
 * Alignment loss of one representer per point (paper, SSLMem definition):
 * `L_align(f, x) = E_{x', x'' ~ Aug(x)} d(f(x'), f(x''))`, d = l2 distance, estimated as the
 * mean over `pairs` pairs of views (`mode: 'clean'`: d(f(x), f(x')) as in the official
 * code). Representations are L2-normalised first unless `normalize: false`.
 *
 * `images`: `[n, h, w, c]` float32 in [0, 1], as a tensor or a `BatchSource`. Returns
 * `Float32Array` `[n]`. The views of a point in pair k come from `scoringViewRng(seed,
 * pointKey, k, view)` only, so any encoder scored with the same seed sees the same views,
 * and a point scores the same alone or inside any set or batch.
 */
export async function alignmentLoss(
  represent: Representer,
  images: ImageSource,
  augment: Augmentation,
  options: Partial<AlignmentLossOptions> = {},
): Promise<Float32Array> {
  const [losses] = await alignmentLosses([represent], images, augment, options);
  return losses;
}
