import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';
import { emaByKernel, hasEmaKernel } from './ema-kernel';

/**
 * Moves every target variable towards its online counterpart, `t <- m t + (1 - m) o`
 * (BYOL's and DINO's teacher update, lightly's `update_momentum`). Lists pair by position
 * and must match in length and shapes.
 */
export function emaUpdate(target: readonly tf.Variable[], online: readonly tf.Variable[], momentum: number): void {
  if (!(momentum >= 0 && momentum <= 1)) throw new InputError('emaUpdate momentum', 'a number in [0, 1]', String(momentum));
  if (target.length !== online.length) throw new InputError('emaUpdate variables', `${online.length} target variables`, `${target.length}`);
  target.forEach((t, i) => {
    const o = online[i];
    if (t.shape.join() !== o.shape.join()) throw new InputError(`emaUpdate ${t.name}`, `shape [${o.shape}] of ${o.name}`, `[${t.shape}]`);
  });
  tf.tidy(() => {
    if (target.length > 0 && hasEmaKernel() && target.every((t, i) => t.dtype === 'float32' && online[i].dtype === 'float32')) {
      // One kernel call for all of them, the same bits as the ops below.
      const moved = emaByKernel(target, online, momentum);
      target.forEach((t, i) => t.assign(moved[i]));
      return;
    }
    target.forEach((t, i) => {
      const o = online[i];
      t.assign(tf.add(tf.mul(t, momentum), tf.mul(o, 1 - momentum)));
    });
  });
}

/**
 * The momentum of step `step` of `totalSteps` on BYOL's cosine schedule from `base` to
 * `final`: `final - (final - base) (cos(pi step / totalSteps) + 1) / 2`.
 */
export function cosineMomentum(step: number, totalSteps: number, base: number, final = 1): number {
  const t = totalSteps <= 0 ? 1 : Math.min(1, Math.max(0, step / totalSteps));
  return final - ((final - base) * (Math.cos(Math.PI * t) + 1)) / 2;
}
