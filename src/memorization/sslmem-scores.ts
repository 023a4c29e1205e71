import type { Augmentation } from '../augment/augmentation';
import { check } from '../util/errors';
import { alignmentLosses, resolveAlignmentLossOptions, type AlignmentLossOptions } from './alignment-loss';
import type { ImageSource } from './image-source';
import { ratioNormalize } from './normalize-scores';
import type { Representer } from './representer';

/**
 * SSLMem scores of n points, all `Float32Array` `[n]`. The range normalisation depends on
 * the points it is taken over (a set's `S_C`, the whole pool): `rangeNormalize(raw, over)`.
 */
export interface SslmemScores {
  /** SSL_f(x): alignment loss averaged over the encoders f (trained with x). */
  alignF: Float32Array;
  /** SSL_g(x): alignment loss averaged over the reference encoders g (trained without x). */
  alignG: Float32Array;
  /** SSLMem(x) = SSL_g(x) - SSL_f(x), the definition. */
  raw: Float32Array;
  /** (SSL_g - SSL_f) / (SSL_g + SSL_f) (follow-up paper). */
  ratio: Float32Array;
  /** Alignment loss of each f separately (per-seed analysis). */
  perF: Float32Array[];
  /** Alignment loss of each g separately. */
  perG: Float32Array[];
}

function meanOf(arrays: readonly Float32Array[], n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (const a of arrays) s += a[i];
    out[i] = s / arrays.length;
  }
  return out;
}

/**
 * SSLMem (Wang et al. 2024): `SSLMem(x) = SSL_g(x) - SSL_f(x)` with
 * `SSL_f(x) = E_{f ~ A(S)} L_align(f, x)`, the expectation estimated by the mean over the
 * given encoders (one per training seed); g are reference encoders trained without x.
 * All encoders are scored on the very same augmented views (one pass, views drawn once per
 * batch and pair). Options as in `alignmentLoss`; `onProgress` reports points done.
 */
export async function sslmemScores(
  fRepresenters: readonly Representer[],
  gRepresenters: readonly Representer[],
  images: ImageSource,
  augment: Augmentation,
  options: Partial<AlignmentLossOptions> = {},
): Promise<SslmemScores> {
  const where = 'memorization/sslmemScores';
  resolveAlignmentLossOptions(options, where);
  check(Array.isArray(fRepresenters) && fRepresenters.length > 0, `${where}: fRepresenters`, 'at least one encoder f', String(fRepresenters?.length));
  check(Array.isArray(gRepresenters) && gRepresenters.length > 0, `${where}: gRepresenters`, 'at least one encoder g', String(gRepresenters?.length));
  const losses = await alignmentLosses([...fRepresenters, ...gRepresenters], images, augment, options);
  const perF = losses.slice(0, fRepresenters.length);
  const perG = losses.slice(fRepresenters.length);
  const n = losses[0].length;
  const alignF = meanOf(perF, n);
  const alignG = meanOf(perG, n);
  const raw = new Float32Array(n);
  for (let i = 0; i < n; i++) raw[i] = alignG[i] - alignF[i];
  return { alignF, alignG, raw, ratio: ratioNormalize(alignF, alignG), perF, perG };
}
