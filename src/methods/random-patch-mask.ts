import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../util/errors';
import type { Rng } from '../util/rng';

/** A random patch mask of a batch, as tensors. */
export interface PatchMask {
  /** One-hot selection of the visible tokens `[batch, keep, tokens]`, in ascending token order. */
  readonly visible: tf.Tensor3D;
  /** 1 where a token is masked, 0 where visible, `[batch, tokens]`. */
  readonly masked: tf.Tensor2D;
  /** Visible tokens per image. */
  readonly keep: number;
}

/**
 * MAE's random masking: for each image its own random subset of `round(tokens (1 - ratio))`
 * visible tokens (at least one), drawn from `rng.fork(image)` (uniform without replacement).
 */
export function randomPatchMask(batch: number, tokens: number, ratio: number, rng: Rng): PatchMask {
  if (!(ratio >= 0 && ratio < 1)) throw new InputError('randomPatchMask ratio', 'a fraction in [0, 1)', String(ratio));
  if (!(Number.isInteger(batch) && batch >= 1 && Number.isInteger(tokens) && tokens >= 1)) {
    throw new InputError('randomPatchMask sizes', 'a batch and a token count >= 1', `${batch} and ${tokens}`);
  }
  const keep = Math.max(1, Math.min(tokens, Math.round(tokens * (1 - ratio))));
  const visible = new Float32Array(batch * keep * tokens);
  const masked = new Float32Array(batch * tokens).fill(1);
  for (let b = 0; b < batch; b++) {
    const chosen = Array.from(rng.fork(b).permutation(tokens).subarray(0, keep)).sort((x, y) => x - y);
    chosen.forEach((token, k) => {
      visible[(b * keep + k) * tokens + token] = 1;
      masked[b * tokens + token] = 0;
    });
  }
  return { visible: tf.tensor3d(visible, [batch, keep, tokens]), masked: tf.tensor2d(masked, [batch, tokens]), keep };
}
