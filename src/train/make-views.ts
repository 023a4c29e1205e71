import type * as tf from '@tensorflow/tfjs-core';
import type { Augmentation } from '../augment/augmentation';
import { InputError } from '../util/errors';
import type { Rng } from '../util/rng';

/**
 * `numViews` independently augmented views of a batch `[batch, h, w, c]`: view `v` uses
 * `rng.fork(v)` and either the one `augment` or `augment[v]` (one augmentation per view,
 * e.g. DINO's global and local crops).
 */
export function makeViews(
  images: tf.Tensor4D,
  augment: Augmentation | readonly Augmentation[],
  numViews: number,
  rng: Rng,
): tf.Tensor4D[] {
  const perView = typeof augment === 'function' ? Array.from({ length: numViews }, () => augment) : augment;
  if (perView.length !== numViews) {
    throw new InputError('augment', `one augmentation or ${numViews} (one per view)`, `${perView.length} augmentations`);
  }
  return perView.map((a, v) => a(images, rng.fork(v)));
}
