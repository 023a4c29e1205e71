import * as tf from '@tensorflow/tfjs-core';
import type { Augmentation } from './augmentation';
import { InputError } from '../util/errors';
import { checkImages } from './validate-options';

/**
 * Chains augmentations left to right on `[batch, h, w, c]`, all drawing from the same rng in
 * turn (the first one's draws for the whole batch, then the second one's, ...). An empty
 * list is the identity.
 */
export function compose(augs: readonly Augmentation[]): Augmentation {
  if (!Array.isArray(augs)) throw new InputError('compose: augs', 'an array of augmentations', typeof augs);
  augs.forEach((aug, i) => {
    if (typeof aug !== 'function') throw new InputError(`compose: augs[${i}]`, 'an augmentation function', typeof aug);
  });
  const steps = [...augs];
  return (images, rng) => {
    checkImages(images, 'compose');
    if (steps.length === 0) return images.clone();
    return tf.tidy(() => steps.reduce((x, aug) => aug(x, rng), images));
  };
}
