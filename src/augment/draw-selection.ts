import type { Rng } from '../util/rng';

/**
 * Flips one coin per image in image order (`rng.next() < p`) and returns the indices of the
 * images that came up, ascending. Draws exactly `batch` numbers, whatever `p` is; internal.
 */
export function drawSelection(batch: number, p: number, rng: Rng): number[] {
  const selected: number[] = [];
  for (let i = 0; i < batch; i++) if (rng.next() < p) selected.push(i);
  return selected;
}
