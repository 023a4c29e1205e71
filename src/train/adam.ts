import * as tf from '@tensorflow/tfjs-core';
import { fusedAdam, hasFusedAdam } from './fused-adam';
import { resolveOptimizerConfig, slotOptimizer, type Optimizer, type OptimizerConfig } from './optimizer';

/**
 * Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019), as in PyTorch:
 * `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`,
 * `p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)`.
 * `adam` adds `weightDecay * p` to the gradient (L2); `adamw` first shrinks
 * `p -= lr * weightDecay * p` (decoupled decay). Slots: `m`, `v`. On wasm and cpu the
 * update of a variable is one fused kernel (`fused-adam.ts`); elsewhere it is built from ops.
 */
export function adam(config: Partial<OptimizerConfig> = {}): Optimizer {
  const c = resolveOptimizerConfig({ name: 'adam', ...config });
  const decoupled = c.name === 'adamw';
  return slotOptimizer(c, ['m', 'v'], (param, grad, slots, lr, step) => {
    if (param.dtype === 'float32' && hasFusedAdam()) {
      const attrs = { lr, beta1: c.beta1, beta2: c.beta2, epsilon: c.epsilon, step, weightDecay: c.weightDecay, decoupled };
      const [next, m, v] = fusedAdam(param, grad, slots.m, slots.v, attrs);
      return { param: next, slots: { m, v } };
    }
    let g = grad;
    let p = param;
    if (c.weightDecay !== 0) {
      if (decoupled) p = tf.sub(p, tf.mul(p, lr * c.weightDecay));
      else g = tf.add(g, tf.mul(p, c.weightDecay));
    }
    const m = tf.add(tf.mul(slots.m, c.beta1), tf.mul(g, 1 - c.beta1));
    const v = tf.add(tf.mul(slots.v, c.beta2), tf.mul(tf.square(g), 1 - c.beta2));
    const mHat = tf.div(m, 1 - Math.pow(c.beta1, step));
    const vHat = tf.div(v, 1 - Math.pow(c.beta2, step));
    const next = tf.sub(p, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), c.epsilon)), lr));
    return { param: next, slots: { m, v } };
  });
}

/** AdamW: Adam with decoupled weight decay (default 0.01); see `adam`. */
export function adamw(config: Partial<OptimizerConfig> = {}): Optimizer {
  return adam({ ...config, name: 'adamw' });
}
