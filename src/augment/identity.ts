import type { Augmentation } from './augmentation';
import { checkImages } from './validate-options';

/** The augmentation that changes nothing: returns a copy of `[batch, h, w, c]` and draws nothing from the rng. */
export const identity: Augmentation = (images) => {
  checkImages(images, 'identity');
  return images.clone();
};
