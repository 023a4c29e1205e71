import { check } from '../util/errors';
import { createRng, type Rng } from '../util/rng';
import type { DatasetPair, ImageDataset } from './dataset';

/** Options of `syntheticDataset`. */
export interface SyntheticOptions {
  /** Number of train images. */
  n: number;
  /** Number of test images (default: `max(1, round(n / 5))`). */
  nTest?: number;
  /** Image shape `[height, width, channels]` (default `[16, 16, 1]`). */
  shape?: readonly [number, number, number];
  /** Number of classes (default 4). */
  numClasses?: number;
  /** Seed of the generator: same seed, same images. */
  seed: number;
  /** Standard deviation of the per-pixel Gaussian noise, on the [0, 1] scale (default 0.08). */
  noise?: number;
}

/** Defaults of the optional `SyntheticOptions` fields (`nTest` depends on `n`). */
export const defaultSyntheticOptions = {
  shape: [16, 16, 1] as readonly [number, number, number],
  numClasses: 4,
  noise: 0.08,
};

/**
 * A small deterministic image dataset for tests and demos. Class `k` of `K` draws stripes
 * at angle `pi k / K` plus a bright blob at a class-specific place and a class-specific
 * colour tint; each image gets its own stripe phase, blob jitter, contrast and pixel noise,
 * so classes are learnable but no two images are equal. Labels are balanced (each class
 * `floor` or `ceil` of `n / K` times) in shuffled order.
 */
export function syntheticDataset(options: SyntheticOptions): DatasetPair {
  const shape = options.shape ?? defaultSyntheticOptions.shape;
  const numClasses = options.numClasses ?? defaultSyntheticOptions.numClasses;
  const noise = options.noise ?? defaultSyntheticOptions.noise;
  const nTest = options.nTest ?? Math.max(1, Math.round(options.n / 5));
  const where = 'syntheticDataset options';
  check(Number.isInteger(options.n) && options.n > 0, `${where}.n`, 'a positive integer', String(options.n));
  check(Number.isInteger(nTest) && nTest > 0, `${where}.nTest`, 'a positive integer', String(nTest));
  check(
    shape.length === 3 && shape.every((d) => Number.isInteger(d) && d > 0),
    `${where}.shape`,
    '[height, width, channels] of positive integers',
    JSON.stringify(shape),
  );
  check(Number.isInteger(numClasses) && numClasses >= 1, `${where}.numClasses`, 'a positive integer', String(numClasses));
  check(Number.isFinite(noise) && noise >= 0, `${where}.noise`, 'a finite number >= 0', String(noise));
  check(Number.isInteger(options.seed), `${where}.seed`, 'an integer', String(options.seed));
  const rng = createRng(options.seed);
  const make = (source: string, n: number): ImageDataset =>
    generate(rng.fork(source), source, n, [shape[0], shape[1], shape[2]], numClasses, noise);
  return { train: make('train', options.n), test: make('test', nTest) };
}

function generate(rng: Rng, source: string, n: number, shape: [number, number, number], numClasses: number, noise: number): ImageDataset {
  const [h, w, c] = shape;
  const order = rng.permutation(n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[order[i]] = i % numClasses;
  const images = new Uint8Array(n * h * w * c);
  const size = Math.max(h, w);
  for (let i = 0; i < n; i++) {
    const k = labels[i];
    const angle = (Math.PI * k) / numClasses;
    const ux = Math.cos(angle);
    const uy = Math.sin(angle);
    const frequency = 2.5 / size;
    const phase = rng.uniform(0, 2 * Math.PI);
    const around = (2 * Math.PI * k) / numClasses;
    const bx = (0.5 + 0.25 * Math.cos(around) + rng.uniform(-0.06, 0.06)) * w;
    const by = (0.5 + 0.25 * Math.sin(around) + rng.uniform(-0.06, 0.06)) * h;
    const spread = 2 * (0.14 * size) ** 2;
    const contrast = rng.uniform(0.7, 1);
    const base = i * h * w * c;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const stripes = 0.5 + 0.5 * Math.cos(2 * Math.PI * frequency * (x * ux + y * uy) + phase);
        const blob = Math.exp(-((x - bx) ** 2 + (y - by) ** 2) / spread);
        const value = contrast * (0.1 + 0.35 * stripes + 0.5 * blob);
        for (let ch = 0; ch < c; ch++) {
          const tint = c === 1 ? 1 : 0.65 + 0.35 * Math.cos(2 * Math.PI * (k / numClasses + ch / c));
          const v = value * tint + noise * rng.normal();
          images[base + (y * w + x) * c + ch] = Math.round(255 * Math.min(1, Math.max(0, v)));
        }
      }
    }
  }
  return { name: 'synthetic', source, shape: [h, w, c], images, labels, numClasses };
}
