import * as tf from '@tensorflow/tfjs-core';
import { createOptimizer } from '../../train/create-optimizer';
import { check, InputError } from '../../util/errors';
import { resolveOptions, rule, type OptionRule } from '../../util/options';
import { createRng } from '../../util/rng';
import { resampleWeights } from './resample-weights';
import { checkSegmentationMasks, type SegmentationMasks } from './segmentation-masks';

/**
 * Class weights of the pixel cross-entropy: `none` (every pixel counts the same, so the
 * background, most pixels, dominates), `sqrt-inverse` (weight `1 / sqrt(frequency)` of the
 * pixel's class in the training masks) or `inverse` (`1 / frequency`: every class counts the same in total).
 */
export type ClassWeighting = 'none' | 'sqrt-inverse' | 'inverse';

/** Options of `trainSegmentationDecoder`. */
export interface SegmentationDecoderOptions {
  /** Hidden width of the per-cell MLP (relu); 0: a linear map (a 1x1 convolution). Default 128. */
  hidden: number;
  /** Passes over the training images. Default 12. */
  epochs: number;
  /** Images per Adam step. Default 32. */
  batchSize: number;
  /** Adam step size (features are standardised). Default 0.01. */
  learningRate: number;
  /** L2 weight decay of Adam (`adam`'s `weightDecay`). Default 1e-4. */
  weightDecay: number;
  /** Class weights of the loss. Default `sqrt-inverse` (see `ClassWeighting`). */
  classWeighting: ClassWeighting;
  /** Seed of the initial weights and the minibatch order. Default 0. */
  seed: number;
  /** Called after each epoch with the epoch (from 1) and its mean minibatch loss. */
  onEpoch: ((epoch: number, loss: number) => void) | null;
}

/** Defaults of `trainSegmentationDecoder`. */
export const defaultSegmentationDecoderOptions: SegmentationDecoderOptions = {
  hidden: 128,
  epochs: 12,
  batchSize: 32,
  learningRate: 0.01,
  weightDecay: 1e-4,
  classWeighting: 'sqrt-inverse',
  seed: 0,
  onEpoch: null,
};

const callback: OptionRule<((epoch: number, loss: number) => void) | null> = (v, where) => {
  if (v !== null && typeof v !== 'function') throw new InputError(where, 'a function or null', typeof v);
  return v as ((epoch: number, loss: number) => void) | null;
};

const decoderRules = {
  hidden: rule.int({ min: 0 }),
  epochs: rule.int({ min: 0 }),
  batchSize: rule.int({ min: 1 }),
  learningRate: rule.number({ min: 0, minOpen: true }),
  weightDecay: rule.number({ min: 0 }),
  classWeighting: rule.choice(['none', 'sqrt-inverse', 'inverse'] as const),
  seed: rule.int(),
  onEpoch: callback,
};

/** Checks and fills in `trainSegmentationDecoder` options. */
export function resolveSegmentationDecoderOptions(
  options: Partial<SegmentationDecoderOptions> = {},
  where = 'trainSegmentationDecoder options',
): SegmentationDecoderOptions {
  return resolveOptions(defaultSegmentationDecoderOptions, decoderRules, options, where);
}

/**
 * A trained light decoder: standardise each feature channel, per grid cell a dense map
 * (optionally through one relu hidden layer) to class logits, bilinear upsampling of the
 * logits to the mask size.
 */
export interface SegmentationDecoder {
  readonly numClasses: number;
  /** Mask height and width the logits are upsampled to. */
  readonly height: number;
  readonly width: number;
  /** Feature grid `[rows, cols]` and channels it reads. */
  readonly grid: readonly [number, number];
  readonly featureDim: number;
  /** Trainable variables (the decoder's, not the encoder's). */
  readonly variables: readonly tf.Variable[];
  /** Logits `[n, height, width, numClasses]` of features `[n, rows, cols, featureDim]` (a new tensor). */
  logits(features: tf.Tensor4D): tf.Tensor4D;
  /** Most likely class per pixel, `n * height * width` (image-major, rows, columns), `batchSize` images at a time. */
  predict(features: tf.Tensor4D, batchSize?: number): Promise<Uint8Array>;
  /** Frees the variables and constants. */
  dispose(): void;
}

/** What `trainSegmentationDecoder` returns. */
export interface TrainedSegmentationDecoder {
  readonly decoder: SegmentationDecoder;
  /** Mean minibatch loss of each epoch. */
  readonly losses: number[];
  /** Class weights of the loss (index = class). */
  readonly classWeights: number[];
}

/**
 * Bilinear upsampling `[cells, ...] -> [pixels, ...]` as one matrix `[height * width, rows * cols]`:
 * the values of `tf.image.resizeBilinear(x, [height, width], false, true)` (half-pixel
 * centres, so each cell's value sits at the centre of the pixels it covers). A matMul and
 * not the resize op because the cpu and wasm gradients of ResizeBilinear ignore
 * `halfPixelCenters` (tfjs 4.22).
 */
export function bilinearUpsampleMatrix(rows: number, cols: number, height: number, width: number): tf.Tensor2D {
  const wy = resampleWeights(rows, height, 'bilinear');
  const wx = resampleWeights(cols, width, 'bilinear');
  const m = new Float32Array(height * width * rows * cols);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const row = (y * width + x) * rows * cols;
      for (let i = 0; i < rows; i++) {
        const a = wy[y * rows + i];
        if (a === 0) continue;
        for (let j = 0; j < cols; j++) m[row + i * cols + j] = a * wx[x * cols + j];
      }
    }
  }
  return tf.tensor2d(m, [height * width, rows * cols]);
}

/** Number of pixels of each class in the masks. */
function classCounts(masks: Uint8Array, numClasses: number): Float64Array {
  const counts = new Float64Array(numClasses);
  for (let i = 0; i < masks.length; i++) counts[masks[i]]++;
  return counts;
}

/** Loss weight of each class from its pixel count (0 for a class without pixels). */
function classWeightsOf(counts: Float64Array, weighting: ClassWeighting): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return Array.from(counts, (count) => {
    if (count === 0) return 0;
    const frequency = count / total;
    return weighting === 'none' ? 1 : weighting === 'inverse' ? 1 / frequency : 1 / Math.sqrt(frequency);
  });
}

/**
 * Weighted one-hot targets of `images` in the decoder's pixel-major layout: row
 * `p * images.length + b` is pixel `p` of image `images[b]`. Also the sum of the weights.
 */
function targetMatrix(masks: Uint8Array, images: Int32Array, pixels: number, numClasses: number, weights: number[]): { targets: tf.Tensor2D; total: number } {
  const b = images.length;
  const values = new Float32Array(pixels * b * numClasses);
  let total = 0;
  for (let j = 0; j < b; j++) {
    const base = images[j] * pixels;
    for (let p = 0; p < pixels; p++) {
      const c = masks[base + p];
      values[(p * b + j) * numClasses + c] = weights[c];
      total += weights[c];
    }
  }
  return { targets: tf.tensor2d(values, [pixels * b, numClasses]), total };
}

/**
 * Trains a light segmentation decoder on frozen spatial features `[n, rows, cols, dim]`
 * (e.g. `spatialFeatures`) against masks of `n` images. The model: features standardised
 * per channel (training mean and std; constant channels become 0) -> per cell a dense map
 * `dim -> numClasses` (with `hidden > 0`: `dim -> hidden -> relu -> numClasses`), i.e. a 1x1
 * convolution -> bilinear upsampling of the logits to the mask size
 * (`bilinearUpsampleMatrix`) -> per-pixel softmax cross-entropy, each pixel weighted by its
 * class (`classWeighting`; the default `sqrt-inverse` keeps the background, ~80% of the
 * pixels of digit canvases, from swamping the digits while still preferring it where
 * unsure), the loss being the weighted mean. Adam on the decoder's variables only; hidden
 * weights He-normal from `seed`, output weights 0 and output biases the log of the class
 * frequencies, so training starts from the class prior; `weightDecay` is an L2 term on all of them. Minibatches in a seeded order per
 * epoch: same inputs and seed, same decoder.
 */
export async function trainSegmentationDecoder(
  features: tf.Tensor4D,
  targets: SegmentationMasks,
  options: Partial<SegmentationDecoderOptions> = {},
): Promise<TrainedSegmentationDecoder> {
  const where = 'eval/trainSegmentationDecoder';
  const o = resolveSegmentationDecoderOptions(options, `${where} options`);
  check(features instanceof tf.Tensor && features.rank === 4, `${where}: features`, 'a tf.Tensor4D [n, rows, cols, dim]', String(features));
  const n = checkSegmentationMasks(targets, `${where}: targets`);
  const [nf, rows, cols, dim] = features.shape;
  check(nf === n && n >= 1, `${where}: features`, `one row per mask (${n})`, `${nf}`);
  const { masks, height, width, numClasses } = targets;
  const cells = rows * cols;
  const pixels = height * width;
  const counts = classCounts(masks, numClasses);
  const classWeights = classWeightsOf(counts, o.classWeighting);

  // Constants: standardisation statistics, standardised training features [n, cells, dim], upsampling matrix.
  const [mean, sd, train] = tf.tidy(() => {
    const flat = tf.reshape(tf.cast(features, 'float32'), [n * cells, dim]);
    const moments = tf.moments(flat, 0);
    const std = tf.where(tf.greater(moments.variance, 1e-12), tf.sqrt(moments.variance), tf.onesLike(moments.variance));
    return [moments.mean, std, tf.reshape(tf.div(tf.sub(flat, moments.mean), std), [n, cells, dim])];
  }) as [tf.Tensor1D, tf.Tensor1D, tf.Tensor3D];
  const upsample = bilinearUpsampleMatrix(rows, cols, height, width);

  // Variables: [hidden layer], output layer (starting at the log class prior).
  const rng = createRng(o.seed);
  const initRng = rng.fork('segmentation-decoder/init');
  const orderRng = rng.fork('segmentation-decoder/order');
  const prior = Array.from(counts, (count) => Math.log(Math.max(count, 1) / masks.length));
  const inner = o.hidden > 0 ? o.hidden : dim;
  const variables: tf.Variable[] = [];
  const variable = (values: tf.Tensor): tf.Variable => {
    const v = tf.variable(values, true);
    values.dispose();
    variables.push(v);
    return v;
  };
  const hiddenLayer =
    o.hidden > 0
      ? {
          kernel: variable(tf.tensor2d(Float32Array.from({ length: dim * o.hidden }, () => initRng.normal() * Math.sqrt(2 / dim)), [dim, o.hidden])),
          bias: variable(tf.zeros([o.hidden])),
        }
      : null;
  const kernel = variable(tf.zeros([inner, numClasses]));
  const bias = variable(tf.tensor1d(prior));

  /** Logits of standardised features `[b, cells, dim]` in pixel-major layout `[pixels * b, numClasses]`. */
  const pixelLogits = (x: tf.Tensor3D): tf.Tensor2D => {
    const b = x.shape[0];
    let h: tf.Tensor2D = tf.reshape(x, [b * cells, dim]);
    if (hiddenLayer) h = tf.relu(tf.add(tf.matMul(h, hiddenLayer.kernel as tf.Tensor2D), hiddenLayer.bias)) as tf.Tensor2D;
    const cellLogits = tf.reshape(tf.add(tf.matMul(h, kernel as tf.Tensor2D), bias), [b, cells, numClasses]);
    const byCell = tf.reshape(tf.transpose(cellLogits, [1, 0, 2]), [cells, b * numClasses]);
    return tf.reshape(tf.matMul(upsample, byCell), [pixels * b, numClasses]);
  };

  /** The weighted mean cross-entropy of a minibatch (`targets` from `targetMatrix`). */
  const lossOf = (x: tf.Tensor3D, y: tf.Tensor2D, totalWeight: number): tf.Scalar =>
    tf.div(tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(pixelLogits(x))))), Math.max(totalWeight, 1e-12));

  // Training: per epoch a seeded order of the images, per minibatch one Adam step.
  const optimizer = createOptimizer({ name: 'adam', weightDecay: o.weightDecay });
  const losses: number[] = [];
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const order = orderRng.fork(epoch).permutation(n);
      let lossSum = 0;
      let steps = 0;
      for (let start = 0; start < n; start += o.batchSize) {
        const batch = order.subarray(start, Math.min(n, start + o.batchSize));
        const { targets: y, total } = targetMatrix(masks, batch, pixels, numClasses, classWeights);
        const indices = tf.tensor1d(batch, 'int32');
        const x = tf.gather(train, indices) as tf.Tensor3D;
        const { value, grads } = tf.variableGrads(() => lossOf(x, y, total), variables);
        optimizer.apply(grads, variables, o.learningRate);
        lossSum += (await value.data())[0];
        steps++;
        tf.dispose([value, grads, x, indices, y]);
      }
      losses.push(lossSum / steps);
      o.onEpoch?.(epoch, lossSum / steps);
    }
  } catch (error) {
    tf.dispose([mean, sd, upsample, ...variables]);
    throw error;
  } finally {
    optimizer.dispose();
    train.dispose();
  }

  const checkFeatures = (f: tf.Tensor4D, what: string): void =>
    check(
      f instanceof tf.Tensor && f.rank === 4 && f.shape[1] === rows && f.shape[2] === cols && f.shape[3] === dim,
      `SegmentationDecoder.${what} features`,
      `a tf.Tensor4D [n, ${rows}, ${cols}, ${dim}]`,
      f instanceof tf.Tensor ? `shape [${f.shape}]` : String(f),
    );
  const standardised = (f: tf.Tensor4D): tf.Tensor3D => tf.reshape(tf.div(tf.sub(tf.cast(f, 'float32'), mean), sd), [f.shape[0], cells, dim]);
  const decoder: SegmentationDecoder = {
    numClasses,
    height,
    width,
    grid: [rows, cols],
    featureDim: dim,
    variables,
    logits: (f) => {
      checkFeatures(f, 'logits');
      return tf.tidy(() => {
        const b = f.shape[0];
        const byPixel = tf.reshape(pixelLogits(standardised(f)), [pixels, b, numClasses]);
        return tf.reshape(tf.transpose(byPixel, [1, 0, 2]), [b, height, width, numClasses]);
      });
    },
    predict: async (f, batchSize = 64) => {
      check(Number.isInteger(batchSize) && batchSize >= 1, 'SegmentationDecoder.predict batchSize', 'an integer >= 1', String(batchSize));
      checkFeatures(f, 'predict');
      const m = f.shape[0];
      const out = new Uint8Array(m * pixels);
      for (let start = 0; start < m; start += batchSize) {
        const b = Math.min(m, start + batchSize) - start;
        const classes = tf.tidy(() => tf.argMax(pixelLogits(standardised(tf.slice(f, [start, 0, 0, 0], [b, -1, -1, -1]))), 1));
        const values = await classes.data();
        classes.dispose();
        for (let j = 0; j < b; j++) for (let p = 0; p < pixels; p++) out[(start + j) * pixels + p] = values[p * b + j];
      }
      return out;
    },
    dispose: () => tf.dispose([mean, sd, upsample, ...variables]),
  };
  return { decoder, losses, classWeights };
}
