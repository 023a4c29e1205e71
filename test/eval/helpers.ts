// Synthetic features for the eval tests.
import { createRng } from '../../src/util/rng';
import type { FeatureMatrix } from '../../src/eval/feature-matrix';

/** Gaussian clusters: class c centred at `separation * e_c` (+ noise), `perClass` rows each. */
export function clusters(
  numClasses: number,
  perClass: number,
  dim: number,
  separation: number,
  seed: number,
): { features: FeatureMatrix; labels: Int32Array } {
  const rng = createRng(seed);
  const rows = numClasses * perClass;
  const data = new Float32Array(rows * dim);
  const labels = new Int32Array(rows);
  const order = rng.permutation(rows);
  for (let r = 0; r < rows; r++) {
    const c = order[r] % numClasses;
    labels[r] = c;
    for (let j = 0; j < dim; j++) data[r * dim + j] = rng.normal() + (j === c ? separation : 0);
  }
  return { features: { data, rows, cols: dim }, labels };
}

/** Random features with random labels. */
export function noise(rows: number, dim: number, numClasses: number, seed: number): { features: FeatureMatrix; labels: Int32Array } {
  const rng = createRng(seed);
  const data = Float32Array.from({ length: rows * dim }, () => rng.normal());
  const labels = Int32Array.from({ length: rows }, () => rng.int(numClasses));
  return { features: { data, rows, cols: dim }, labels };
}
