import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors';
import { createRng } from '../util/rng';
import { checkLabels, featureShape, featureTensor, type Features } from './feature-matrix';

/** Options of `linearProbe`. */
export interface LinearProbeOptions {
  /** Passes over the training set. Default 100. */
  epochs: number;
  /** Minibatch size; >= the number of training rows means full-batch steps. Default 256. */
  batchSize: number;
  /** Adam step size (features are standardised, so this rarely needs tuning). Default 0.01. */
  learningRate: number;
  /** L2 penalty `l2 / 2 * ||W||^2` on the weights (not the bias). Default 1e-4. */
  l2: number;
  /** Seed of the minibatch order. Default 0. */
  seed: number;
  /** Number of classes; default: largest label in train or test + 1. */
  numClasses?: number;
  /** Called after each epoch with the epoch (from 1) and its mean minibatch cross-entropy. */
  onEpoch?: (epoch: number, loss: number) => void;
}

/** Defaults of `linearProbe`. */
export const defaultLinearProbeOptions: LinearProbeOptions = { epochs: 100, batchSize: 256, learningRate: 0.01, l2: 1e-4, seed: 0 };

/** Result of `linearProbe`. */
export interface LinearProbeResult {
  /** Test accuracy in [0, 1]. */
  accuracy: number;
  /** Training accuracy in [0, 1]. */
  trainAccuracy: number;
  /** Final mean cross-entropy on the training set (without the L2 term). */
  loss: number;
  /** Final mean cross-entropy on the test set. */
  testLoss: number;
  /** Predicted class per test row. */
  predictions: Int32Array;
}

/** One-hot matrix `[n, numClasses]` built from a JS array (tf.oneHot writes int32 on wasm). */
function oneHot(labels: ArrayLike<number>, numClasses: number): tf.Tensor2D {
  const data = new Float32Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) data[i * numClasses + labels[i]] = 1;
  return tf.tensor2d(data, [labels.length, numClasses]);
}

/**
 * Gradients of softmax regression, written out (no autodiff, no transposed matMul):
 * loss = mean_i CE(softmax(x_i W + b), y_i) + l2/2 ||W||^2, so with G = (P - Y) / m,
 * dW = X^T G + l2 W `[dim, classes]` and db = 1^T G `[classes]`. `x` `[m, dim]`, `y`
 * one-hot `[m, classes]`. Also returns the mean cross-entropy (a scalar).
 */
export function softmaxRegressionGradients(
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  l2: number,
): { dw: tf.Tensor2D; db: tf.Tensor1D; loss: tf.Scalar } {
  return tf.tidy(() => {
    const m = x.shape[0];
    const logits = tf.add(tf.matMul(x, w), b);
    const logP = tf.logSoftmax(logits);
    const loss = tf.neg(tf.div(tf.sum(tf.mul(y, logP)), m)) as tf.Scalar;
    const g = tf.div(tf.sub(tf.exp(logP), y), m) as tf.Tensor2D;
    const dw = tf.add(tf.matMul(tf.transpose(x), g), tf.mul(w, l2)) as tf.Tensor2D;
    const db = tf.reshape(tf.matMul(tf.ones([1, m]), g), [-1]) as tf.Tensor1D;
    return { dw, db, loss };
  });
}

function resolveOptions(options: Partial<LinearProbeOptions>, where: string): LinearProbeOptions {
  const o = { ...defaultLinearProbeOptions, ...options };
  check(Number.isInteger(o.epochs) && o.epochs >= 0, `${where}: options.epochs`, 'an integer >= 0', String(o.epochs));
  check(Number.isInteger(o.batchSize) && o.batchSize >= 1, `${where}: options.batchSize`, 'an integer >= 1', String(o.batchSize));
  check(Number.isFinite(o.learningRate) && o.learningRate > 0, `${where}: options.learningRate`, 'a number > 0', String(o.learningRate));
  check(Number.isFinite(o.l2) && o.l2 >= 0, `${where}: options.l2`, 'a number >= 0', String(o.l2));
  check(Number.isInteger(o.seed), `${where}: options.seed`, 'an integer', String(o.seed));
  check(
    o.numClasses === undefined || (Number.isInteger(o.numClasses) && o.numClasses >= 2),
    `${where}: options.numClasses`,
    'an integer >= 2',
    String(o.numClasses),
  );
  return o;
}

async function evaluate(x: tf.Tensor2D, labels: ArrayLike<number>, w: tf.Tensor2D, b: tf.Tensor1D, numClasses: number) {
  const [predT, lossT] = tf.tidy(() => {
    const logits = tf.add(tf.matMul(x, w), b);
    const y = oneHot(labels, numClasses);
    const loss = tf.neg(tf.div(tf.sum(tf.mul(y, tf.logSoftmax(logits))), Math.max(1, labels.length)));
    return [tf.argMax(logits, 1), loss];
  });
  const predictions = Int32Array.from(await predT.data());
  const loss = (await lossT.data())[0];
  predT.dispose();
  lossT.dispose();
  let correct = 0;
  for (let i = 0; i < predictions.length; i++) if (predictions[i] === labels[i]) correct++;
  return { predictions, loss, accuracy: predictions.length > 0 ? correct / predictions.length : Number.NaN };
}

/**
 * Linear probe on frozen representations: softmax regression `[dim] -> [classes]` trained
 * with Adam on features standardised by the training set's mean and std (constant
 * features become 0), L2 on the weights, minibatches in a seeded order; weights start
 * at 0, so the result is deterministic given the seed.
 *
 * Features `[n, dim]` as tensors or `FeatureMatrix`; labels integers in [0, classes).
 */
export async function linearProbe(
  trainFeatures: Features,
  trainLabels: ArrayLike<number>,
  testFeatures: Features,
  testLabels: ArrayLike<number>,
  options: Partial<LinearProbeOptions> = {},
): Promise<LinearProbeResult> {
  const where = 'eval/linearProbe';
  const o = resolveOptions(options, where);
  const [n, dim] = featureShape(trainFeatures, `${where}: trainFeatures`);
  const [nTest, dimTest] = featureShape(testFeatures, `${where}: testFeatures`);
  check(n >= 1, `${where}: trainFeatures`, 'at least one row', '0 rows');
  check(dimTest === dim, `${where}: testFeatures`, `${dim} columns like trainFeatures`, `${dimTest}`);
  const maxLabel = Math.max(
    checkLabels(trainLabels, n, `${where}: trainLabels`, o.numClasses),
    checkLabels(testLabels, nTest, `${where}: testLabels`, o.numClasses),
  );
  const numClasses = o.numClasses ?? Math.max(2, maxLabel + 1);

  // Standardised features (train statistics) and the one-hot targets.
  const [xTrain, xTest, yTrain] = tf.tidy(() => {
    const tr = featureTensor(trainFeatures);
    const { mean, variance } = tf.moments(tr, 0);
    const sd = tf.where(tf.greater(variance, 1e-12), tf.sqrt(variance), tf.onesLike(variance));
    const scale = (t: tf.Tensor2D) => tf.div(tf.sub(t, mean), sd) as tf.Tensor2D;
    return [scale(tr), scale(featureTensor(testFeatures)), oneHot(trainLabels, numClasses)];
  });

  let w = tf.zeros([dim, numClasses]) as tf.Tensor2D;
  let b = tf.zeros([numClasses]) as tf.Tensor1D;
  // Adam moments.
  let mw: tf.Tensor = tf.zerosLike(w);
  let vw: tf.Tensor = tf.zerosLike(w);
  let mb: tf.Tensor = tf.zerosLike(b);
  let vb: tf.Tensor = tf.zerosLike(b);
  const beta1 = 0.9;
  const beta2 = 0.999;
  const eps = 1e-8;
  const rng = createRng(o.seed).fork('linear-probe/order');
  const full = o.batchSize >= n;
  let step = 0;
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const order = full ? null : rng.permutation(n);
      let epochLoss = tf.scalar(0);
      let batches = 0;
      for (let start = 0; start < n; start += o.batchSize) {
        const end = Math.min(n, start + o.batchSize);
        step++;
        const lr = o.learningRate * (Math.sqrt(1 - beta2 ** step) / (1 - beta1 ** step));
        const next = tf.tidy(() => {
          let xb = xTrain;
          let yb = yTrain;
          if (order !== null) {
            const idx = tf.tensor1d(order.subarray(start, end), 'int32');
            xb = tf.gather(xTrain, idx);
            yb = tf.gather(yTrain, idx);
          }
          const { dw, db, loss } = softmaxRegressionGradients(xb, yb, w, b, o.l2);
          const update = (p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor) => {
            const m2 = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
            const v2 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
            return [tf.sub(p, tf.mul(tf.div(m2, tf.add(tf.sqrt(v2), eps)), lr)), m2, v2];
          };
          return [...update(w, dw, mw, vw), ...update(b, db, mb, vb), tf.add(epochLoss, loss)];
        });
        [w, mw, vw, b, mb, vb, epochLoss].forEach((t) => t.dispose());
        [w, mw, vw, b, mb, vb, epochLoss] = next as [tf.Tensor2D, tf.Tensor, tf.Tensor, tf.Tensor1D, tf.Tensor, tf.Tensor, tf.Scalar];
        batches++;
      }
      if (o.onEpoch) o.onEpoch(epoch, (await epochLoss.data())[0] / batches);
      epochLoss.dispose();
    }
    const train = await evaluate(xTrain, trainLabels, w, b, numClasses);
    const test = await evaluate(xTest, testLabels, w, b, numClasses);
    return { accuracy: test.accuracy, trainAccuracy: train.accuracy, loss: train.loss, testLoss: test.loss, predictions: test.predictions };
  } finally {
    [xTrain, xTest, yTrain, w, b, mw, vw, mb, vb].forEach((t) => t.dispose());
  }
}
