import { check } from '../util/errors';

/**
 * How an SSLMem score is reported (the paper, its official code and its follow-up use these):
 * `'raw'`: SSL_g - SSL_f (the definition);
 * `'range'`: raw / (max raw - min raw) over the scored points (official code); |score| <= 1
 *   only when the raw scores include both signs (or 0), e.g. all-positive scores can exceed 1;
 * `'ratio'`: (SSL_g - SSL_f) / (SSL_g + SSL_f) (follow-up paper), in [-1, 1].
 */
export type ScoreNormalization = 'raw' | 'range' | 'ratio';

/** Every normalisation, in the order of the score tables' columns (`score_raw, score_range, score_ratio`). */
export const scoreNormalizations: readonly ScoreNormalization[] = ['raw', 'range', 'ratio'];

function checkArray(values: ArrayLike<number>, where: string, n?: number): void {
  check(
    values !== null && typeof values === 'object' && typeof values.length === 'number',
    where,
    'an array of numbers',
    String(values),
  );
  if (n !== undefined) check(values.length === n, where, `${n} values`, `${values.length}`);
}

/**
 * Range normalisation of the official code: `raw / (max(reference) - min(reference))`,
 * `reference` defaulting to `raw` itself. Pass the candidates' raw scores as `reference`
 * to put other sets on the same scale. The result lies in [-1, 1] only when min <= 0 <= max.
 * NaN everywhere when the reference has no spread
 * (one point, or all equal) or is empty.
 */
export function rangeNormalize(raw: ArrayLike<number>, reference: ArrayLike<number> = raw): Float32Array {
  checkArray(raw, 'memorization/rangeNormalize: raw');
  checkArray(reference, 'memorization/rangeNormalize: reference');
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < reference.length; i++) {
    lo = Math.min(lo, reference[i]);
    hi = Math.max(hi, reference[i]);
  }
  const spread = hi - lo;
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = spread > 0 ? raw[i] / spread : Number.NaN;
  return out;
}

/**
 * Ratio normalisation of the follow-up paper: `(alignG - alignF) / (alignG + alignF)`
 * per point; 0 where both losses are 0.
 */
export function ratioNormalize(alignF: ArrayLike<number>, alignG: ArrayLike<number>): Float32Array {
  checkArray(alignF, 'memorization/ratioNormalize: alignF');
  checkArray(alignG, 'memorization/ratioNormalize: alignG', alignF.length);
  const out = new Float32Array(alignF.length);
  for (let i = 0; i < alignF.length; i++) {
    const num = alignG[i] - alignF[i];
    const den = alignG[i] + alignF[i];
    out[i] = num === 0 ? 0 : num / den;
  }
  return out;
}

/**
 * SSLMem scores in one of the three normalisations (see `ScoreNormalization`): `raw` is
 * `alignG - alignF` per point; all three arrays have one entry per scored point. Returns a
 * new `Float32Array`.
 */
export function normalizeScores(
  raw: ArrayLike<number>,
  alignF: ArrayLike<number>,
  alignG: ArrayLike<number>,
  kind: ScoreNormalization,
): Float32Array {
  const where = 'memorization/normalizeScores';
  check(scoreNormalizations.includes(kind), `${where}: kind`, `one of ${scoreNormalizations.join(', ')}`, String(kind));
  checkArray(raw, `${where}: raw`);
  checkArray(alignF, `${where}: alignF`, raw.length);
  checkArray(alignG, `${where}: alignG`, raw.length);
  if (kind === 'raw') return Float32Array.from(raw);
  if (kind === 'range') return rangeNormalize(raw);
  return ratioNormalize(alignF, alignG);
}
