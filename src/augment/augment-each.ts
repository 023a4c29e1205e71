import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';
import type { Rng } from '../util/rng';
import type { Augmentation } from './augmentation';
import { checkImages } from './validate-options';

/**
 * Applies `augment` to each image of `[batch, h, w, c]` on its own, image i drawing from
 * `rngs[i]` only, and returns the views as one batch of the same shape. An image's view
 * then depends on its own generator, never on the other images of the batch (scoring keys
 * views by point this way). Costs about what one batched call costs for our augmentations,
 * whose per-image work dominates.
 */
export function augmentEach(augment: Augmentation, images: tf.Tensor4D, rngs: readonly Rng[]): tf.Tensor4D {
  checkImages(images, 'augmentEach');
  const m = images.shape[0];
  if (rngs.length !== m) throw new InputError('augmentEach: rngs', `one generator per image (${m})`, String(rngs.length));
  if (m === 1) return augment(images, rngs[0]);
  return tf.tidy(() => tf.concat(tf.split(images, m).map((image, i) => augment(image as tf.Tensor4D, rngs[i])), 0) as tf.Tensor4D);
}
