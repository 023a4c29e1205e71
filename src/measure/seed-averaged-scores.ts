import { mean } from '../stats/describe';

/**
 * SSLMem per point with f and g averaged over some of their seeds (the definition's
 * expectation over encoders): `losses` holds the alignment losses of the encoders f of n
 * seeds, then of the g of the same seeds (`2n` arrays over the same points); `seeds` picks
 * seeds by position. `raw` = mean g - mean f; `ratio` = (mean g - mean f) / (mean g + mean f).
 */
export function seedAveragedScores(losses: readonly Float32Array[], seeds: readonly number[], kind: 'raw' | 'ratio'): number[] {
  const n = losses.length / 2;
  return Array.from(losses[0], (_, i) => {
    const f = mean(seeds.map((s) => losses[s][i]));
    const g = mean(seeds.map((s) => losses[n + s][i]));
    return kind === 'raw' ? g - f : (g - f) / (g + f);
  });
}
