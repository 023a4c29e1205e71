import * as tf from '@tensorflow/tfjs-core';
import { gelu } from './gelu';

/** Nonlinearities the encoders offer. */
export type Activation = 'relu' | 'gelu';

/** All `Activation` values. */
export const activations: readonly Activation[] = ['relu', 'gelu'];

/** Applies `activation` elementwise. */
export function activate<T extends tf.Tensor>(x: T, activation: Activation): T {
  return activation === 'gelu' ? gelu(x) : tf.relu(x);
}
