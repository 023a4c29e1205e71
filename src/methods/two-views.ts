import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';

/**
 * The two views of a batch stacked into one batch of 2n images (one encoder pass, batch
 * norm over both); `InputError` unless there are exactly two views.
 */
export function stackTwoViews(method: string, views: readonly tf.Tensor4D[]): tf.Tensor4D {
  if (views.length !== 2) throw new InputError(`${method} loss views`, '2 views', `${views.length}`);
  return tf.concat(views as tf.Tensor4D[], 0);
}

/** A `[2n, d]` output split back into its two views' `[n, d]` halves. */
export function halves(z: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  return tf.split(z, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
}
