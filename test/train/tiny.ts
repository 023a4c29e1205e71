// Test helpers (not a test file): a tiny MLP encoder, synthetic images and a noise
// augmentation, all seeded and fast on the cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import type { Augmentation } from '../../src/augment/augmentation';
import type { Encoder, EncoderConfig } from '../../src/encoders/encoder';
import type { TrainData } from '../../src/train/train-data';
import { createRng } from '../../src/util/rng';

let instances = 0;

/** Config of `tinyEncoder`. */
export interface TinyConfig extends EncoderConfig {
  readonly kind: 'tiny';
  readonly hidden: number;
  readonly outDim: number;
  readonly seed: number;
}

export const tinyConfig: TinyConfig = { kind: 'tiny', inputShape: [4, 4, 1], hidden: 12, outDim: 6, seed: 1 };

/**
 * flatten -> dense(hidden) -> relu -> dense(outDim); state: a running mean of the
 * representation, updated in training mode. Variable roots are unique per instance
 * (`tiny<k>/...`), like encoders f and g alive together.
 */
export function tinyEncoder(config: EncoderConfig = tinyConfig): Encoder {
  const c = config as TinyConfig;
  const rng = createRng(c.seed);
  const root = `tiny${instances++}`;
  const inDim = c.inputShape[0] * c.inputShape[1] * c.inputShape[2];
  const init = (shape: number[], scale: number): tf.Tensor => {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = scale * rng.normal();
    return tf.tensor(values, shape);
  };
  const make = (name: string, t: tf.Tensor, trainable = true): tf.Variable => {
    const v = tf.variable(t, trainable, `${root}/${name}`);
    t.dispose();
    return v;
  };
  const w1 = make('dense1/kernel', init([inDim, c.hidden], Math.sqrt(2 / inDim)));
  const b1 = make('dense1/bias', tf.zeros([c.hidden]));
  const w2 = make('dense2/kernel', init([c.hidden, c.outDim], Math.sqrt(1 / c.hidden)));
  const b2 = make('dense2/bias', tf.zeros([c.outDim]));
  const runningMean = make('running_mean', tf.zeros([c.outDim]), false);
  const variables = [w1, b1, w2, b2];
  return {
    config: c,
    outDim: c.outDim,
    variables,
    state: [runningMean],
    apply: (images, training) =>
      tf.tidy(() => {
        const x = tf.reshape(images, [images.shape[0], inDim]) as tf.Tensor2D;
        const h = tf.relu(tf.add(tf.matMul(x, w1 as tf.Tensor2D), b1));
        const z = tf.add(tf.matMul(h, w2 as tf.Tensor2D), b2) as tf.Tensor2D;
        if (training) runningMean.assign(tf.add(tf.mul(runningMean, 0.9), tf.mul(tf.mean(z, 0), 0.1)));
        return z;
      }),
    dispose: () => [...variables, runningMean].forEach((v) => v.dispose()),
  };
}

/** `n` synthetic 4x4x1 images in `classes` prototypes plus noise, as `TrainData`. */
export function tinyData(n = 24, seed = 5, classes = 3): TrainData & { pixels: Float32Array } {
  const rng = createRng(seed);
  const size = 16;
  const prototypes = Array.from({ length: classes }, () => Float32Array.from({ length: size }, () => rng.next()));
  const pixels = new Float32Array(n * size);
  for (let i = 0; i < n; i++) {
    const p = prototypes[i % classes];
    for (let k = 0; k < size; k++) pixels[i * size + k] = Math.min(1, Math.max(0, p[k] + 0.1 * rng.normal()));
  }
  return {
    size: n,
    pixels,
    batch: (indices) => {
      const out = new Float32Array(indices.length * size);
      indices.forEach((idx, j) => out.set(pixels.subarray(idx * size, (idx + 1) * size), j * size));
      return tf.tensor4d(out, [indices.length, 4, 4, 1]);
    },
  };
}

/** Adds N(0, 0.1^2) noise drawn from `rng` (in image order). */
export const noiseAugment: Augmentation = (images, rng) => {
  const noise = Float32Array.from({ length: images.size }, () => 0.1 * rng.normal());
  return tf.tidy(() => tf.add(images, tf.tensor(noise, images.shape)) as tf.Tensor4D);
};

/** Every variable's values, by position, as plain arrays (for exact comparisons). */
export function snapshot(variables: readonly tf.Variable[]): Float32Array[] {
  return variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
}
