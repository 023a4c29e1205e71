import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';

/** Global average pooling over space: `[batch, h, w, c]` -> `[batch, c]`. */
export function globalAveragePool(x: tf.Tensor4D): tf.Tensor2D {
  if (x.rank !== 4) throw new InputError('globalAveragePool input', 'shape [batch, h, w, c]', `[${x.shape.join(', ')}]`);
  return tf.mean(x, [1, 2]);
}
