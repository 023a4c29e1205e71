import { scoreColumns, seedMean } from './score-table';

/**
 * SSLMem per point with f and g averaged over some of their seeds (the definition's
 * expectation over encoders): `losses` holds the alignment losses of the encoders f of n
 * seeds, then of the g of the same seeds (`2n` arrays over the same points); `seeds` picks
 * seeds by position. `raw` = mean g - mean f; `ratio` = (mean g - mean f) / (mean g + mean f)
 * (`scoreColumns` in 64-bit arithmetic).
 */
export function seedAveragedScores(losses: readonly Float32Array[], seeds: readonly number[], kind: 'raw' | 'ratio'): number[] {
  const n = losses.length / 2;
  const alignF = seedMean(losses.slice(0, n), { seeds, precision: 'float64' });
  const alignG = seedMean(losses.slice(n), { seeds, precision: 'float64' });
  return scoreColumns(alignF, alignG, { precision: 'float64' })[kind === 'raw' ? 'score_raw' : 'score_ratio'];
}
