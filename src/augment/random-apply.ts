import type { Augmentation } from './augmentation';
import { InputError } from '../util/errors';
import { applyToSelected } from './apply-to-selected';
import { drawSelection } from './draw-selection';
import { checkImages, checkProbability } from './validate-options';

/**
 * Applies `aug` to each image of `[batch, h, w, c]` independently with probability `p`
 * (torchvision's `RandomApply`, per image). Draws: first one coin per image in image order,
 * then `aug`'s own draws for the chosen images only (in image order). Unchosen images are
 * returned bit-exact; `aug` runs once, on the chosen sub-batch.
 */
export function randomApply(aug: Augmentation, p: number): Augmentation {
  if (typeof aug !== 'function') throw new InputError('randomApply: aug', 'an augmentation function', typeof aug);
  checkProbability(p, 'randomApply: p');
  return (images, rng) => {
    checkImages(images, 'randomApply');
    const selected = drawSelection(images.shape[0], p, rng);
    return applyToSelected(images, selected, (subset) => aug(subset, rng));
  };
}
