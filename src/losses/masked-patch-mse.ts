import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';

/** Options of `maskedPatchMse`. */
export interface MaskedPatchMseOptions {
  /** Normalise each target patch to zero mean and unit variance first (MAE's `norm_pix_loss`). Default true. */
  readonly normalizeTarget?: boolean;
  /** Added to the patch variance before dividing. Default 1e-6. */
  readonly epsilon?: number;
}

/**
 * MAE's reconstruction loss (He et al. 2022): the squared error of predicted patches
 * `[n, tokens, p]` against the image's patches `[n, tokens, p]`, averaged over the pixels
 * of a patch and then over the masked patches only (`mask` `[n, tokens]`, 1 = masked,
 * 0 = visible). With `normalizeTarget`, each target patch is standardised (mean 0,
 * variance 1, biased variance as in MAE) before the comparison.
 */
export function maskedPatchMse(prediction: tf.Tensor3D, target: tf.Tensor3D, mask: tf.Tensor2D, options: MaskedPatchMseOptions = {}): tf.Scalar {
  const { normalizeTarget = true, epsilon = 1e-6 } = options;
  const [n, tokens] = target.shape;
  if (prediction.rank !== 3 || prediction.shape.join() !== target.shape.join()) {
    throw new InputError('maskedPatchMse prediction', `[${target.shape.join(', ')}] like the target`, `[${prediction.shape.join(', ')}]`);
  }
  if (mask.rank !== 2 || mask.shape[0] !== n || mask.shape[1] !== tokens) {
    throw new InputError('maskedPatchMse mask', `[${n}, ${tokens}]`, `[${mask.shape.join(', ')}]`);
  }
  return tf.tidy(() => {
    let t: tf.Tensor = target;
    if (normalizeTarget) {
      const { mean, variance } = tf.moments(target, 2, true);
      t = tf.div(tf.sub(target, mean), tf.sqrt(tf.add(variance, epsilon)));
    }
    const perPatch = tf.reshape(tf.mean(tf.square(tf.sub(prediction, t)), 2), [n, tokens]);
    return tf.div(tf.sum(tf.mul(perPatch, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
  });
}
