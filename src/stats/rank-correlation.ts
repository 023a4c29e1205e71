import { check } from '../util/errors';
import type { Sample } from './describe';

/** Ranks of `values` (1-based), ties getting the mean of their ranks. */
export function ranks(values: Sample): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const out = new Float64Array(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]] === values[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k]] = rank;
    i = j + 1;
  }
  return out;
}

/** Pearson correlation of two equally long samples (NaN when one is constant). */
export function pearson(a: Sample, b: Sample): number {
  check(a.length === b.length && a.length >= 2, 'stats/pearson', 'two samples of equal length >= 2', `${a.length} and ${b.length}`);
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Spearman's rank correlation: Pearson correlation of the ranks (ties averaged). */
export function spearman(a: Sample, b: Sample): number {
  return pearson(ranks(a), ranks(b));
}
