import * as tf from '@tensorflow/tfjs-core';
import { resolveOptimizerConfig, slotOptimizer, type Optimizer, type OptimizerConfig } from './optimizer';

/**
 * SGD with momentum and L2 weight decay, as in PyTorch (dampening 0):
 * `g = grad + weightDecay * p`, `b = momentum * b + g`, `p -= lr * b`
 * (Nesterov: `p -= lr * (g + momentum * b)`). Slot: `momentum` (none when momentum is 0).
 */
export function sgd(config: Partial<OptimizerConfig> = {}): Optimizer {
  const c = resolveOptimizerConfig({ name: 'sgd', ...config });
  const slotNames = c.momentum === 0 ? [] : ['momentum'];
  return slotOptimizer(c, slotNames, (param, grad, slots, lr): { param: tf.Tensor; slots: Record<string, tf.Tensor> } => {
    const g = c.weightDecay === 0 ? grad : tf.add(grad, tf.mul(param, c.weightDecay));
    if (c.momentum === 0) return { param: tf.sub(param, tf.mul(g, lr)), slots: {} };
    const b = tf.add(tf.mul(slots.momentum, c.momentum), g);
    const update = c.nesterov ? tf.add(g, tf.mul(b, c.momentum)) : b;
    return { param: tf.sub(param, tf.mul(update, lr)), slots: { momentum: b } };
  });
}
