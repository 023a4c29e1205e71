import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/rng';

/**
 * An augmentation maps a batch of images `[batch, height, width, channels]` (float32,
 * values in [0, 1]) to a batch of the same shape, drawing every random parameter from
 * `rng`. Per-image parameters are drawn in image order, so the same rng state gives the
 * same views. It returns a new tensor and never disposes its input.
 */
export type Augmentation = (images: tf.Tensor4D, rng: Rng) => tf.Tensor4D;
