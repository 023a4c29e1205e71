import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Rng } from '../util/rng';
import type { Augmentation } from './augmentation';
import { InputError } from '../util/errors';
import { checkImages, checkInteger } from './validate-options';

/**
 * `n` independently augmented views of the same batch `[batch, h, w, c]` (the pairs
 * `x', x'' ~ Aug(x)` of the paper's alignment loss). Deterministic: the call draws exactly `n`
 * numbers from `rng` (`rng.uint32()`, one per view, in view order) and view k is
 * `aug(images, createRng(k-th number))`. So `rng` advances by `n` draws whatever `aug`
 * consumes, and repeated calls with the same `rng` give fresh views (unlike `rng.fork(k)`,
 * which depends only on the seed and would repeat the same views every call).
 * The caller owns (and disposes) the returned tensors.
 */
export function multiView(aug: Augmentation, images: tf.Tensor4D, n: number, rng: Rng): tf.Tensor4D[] {
  if (typeof aug !== 'function') throw new InputError('multiView: aug', 'an augmentation function', typeof aug);
  checkImages(images, 'multiView');
  checkInteger(n, 'multiView: n', 1);
  const seeds = Array.from({ length: n }, () => rng.uint32());
  const views: tf.Tensor4D[] = [];
  try {
    for (const seed of seeds) views.push(aug(images, createRng(seed)));
  } catch (error) {
    tf.dispose(views);
    throw error;
  }
  return views;
}
