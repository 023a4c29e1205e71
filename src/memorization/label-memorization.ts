import type { Encoder } from '../encoders/encoder';
import type { ObjectiveState } from '../methods/objective';
import { check } from '../util/errors';
import type { ImageSource } from './image-source';
import { labelProbabilities, type LabelProbabilitiesOptions } from './label-probabilities';

/** A supervised model to read label probabilities from: an encoder and its objective state (with `classify`). */
export interface LabelModel {
  readonly encoder: Encoder;
  readonly objectiveState: ObjectiveState;
}

/** Label memorization of n points, all `Float64Array` `[n]`. */
export interface LabelMemorizationScores {
  /** `p_f(x, y)`: the probability of the true label averaged over the models f (trained with x). */
  pF: Float64Array;
  /** `p_g(x, y)`: the same under the reference models g (trained without x). */
  pG: Float64Array;
  /** `p_f - p_g`, the score. */
  score: Float64Array;
  /** The probabilities of each f separately (per-seed analysis). */
  perF: Float64Array[];
  /** The probabilities of each g separately. */
  perG: Float64Array[];
}

function meanOf(arrays: readonly Float64Array[], n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (const a of arrays) s += a[i];
    out[i] = s / arrays.length;
  }
  return out;
}

/**
 * Label memorization (Feldman & Zhang 2020) estimated with one model per training seed:
 * `mem(x, y) = P_{h~A(S)}[y | x] - P_{h~A(S\x)}[y | x]`, i.e. `score = p_f - p_g` with `p_f`
 * the mean over the models f (trained on a set with x) of the softmax probability of the
 * true label (`labelProbabilities`) and `p_g` that of the models g (trained without x).
 * `images` `[n, h, w, c]`, `labels` `[n]`.
 * @throws InputError when f or g is empty, and as `labelProbabilities`.
 */
export function labelMemorizationScores(
  f: readonly LabelModel[],
  g: readonly LabelModel[],
  images: ImageSource,
  labels: ArrayLike<number>,
  options: Partial<LabelProbabilitiesOptions> = {},
): LabelMemorizationScores {
  const where = 'memorization/labelMemorizationScores';
  check(Array.isArray(f) && f.length > 0, `${where}: f`, 'at least one model f', String(f?.length));
  check(Array.isArray(g) && g.length > 0, `${where}: g`, 'at least one model g', String(g?.length));
  const perF = f.map((m) => labelProbabilities(m.encoder, m.objectiveState, images, labels, options));
  const perG = g.map((m) => labelProbabilities(m.encoder, m.objectiveState, images, labels, options));
  const n = labels.length;
  const pF = meanOf(perF, n);
  const pG = meanOf(perG, n);
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) score[i] = pF[i] - pG[i];
  return { pF, pG, score, perF, perG };
}
