import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors';
import { checkLabels, featureShape, featureTensor, type Features } from './feature-matrix';

/** Options of `knnAccuracy`. */
export interface KnnOptions {
  /** Number of neighbours. Default 20. */
  k: number;
  /** `'cosine'` (default): cosine similarity; `'l2'`: Euclidean distance. */
  metric: 'cosine' | 'l2';
  /**
   * `'majority'`: one vote per neighbour. `'weighted'` (default): cosine votes weigh
   * exp(similarity / temperature) (Wu et al. 2018, the usual SSL kNN monitor), l2 votes weigh
   * 1 / distance. Ties go to the tied class whose best neighbour ranks first.
   */
  vote: 'majority' | 'weighted';
  /** Temperature of cosine-weighted votes. Default 0.07. */
  temperature: number;
  /** Test rows per similarity matrix `[batch, nTrain]`. Default 256. */
  batchSize: number;
  /** Number of classes; default: largest label + 1. */
  numClasses?: number;
}

/** Defaults of `knnAccuracy`. */
export const defaultKnnOptions: KnnOptions = { k: 20, metric: 'cosine', vote: 'weighted', temperature: 0.07, batchSize: 256 };

/** Result of `knnAccuracy`. */
export interface KnnResult {
  /** Test accuracy in [0, 1]. */
  accuracy: number;
  /** Predicted class per test row. */
  predictions: Int32Array;
}

function resolveOptions(options: Partial<KnnOptions>, where: string): KnnOptions {
  const o = { ...defaultKnnOptions, ...options };
  check(Number.isInteger(o.k) && o.k >= 1, `${where}: options.k`, 'an integer >= 1', String(o.k));
  check(o.metric === 'cosine' || o.metric === 'l2', `${where}: options.metric`, 'cosine or l2', String(o.metric));
  check(o.vote === 'majority' || o.vote === 'weighted', `${where}: options.vote`, 'majority or weighted', String(o.vote));
  check(Number.isFinite(o.temperature) && o.temperature > 0, `${where}: options.temperature`, 'a number > 0', String(o.temperature));
  check(Number.isInteger(o.batchSize) && o.batchSize >= 1, `${where}: options.batchSize`, 'an integer >= 1', String(o.batchSize));
  check(
    o.numClasses === undefined || (Number.isInteger(o.numClasses) && o.numClasses >= 1),
    `${where}: options.numClasses`,
    'an integer >= 1',
    String(o.numClasses),
  );
  return o;
}

function normalizeRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, tf.maximum(tf.sqrt(tf.sum(tf.square(x), 1, true)), 1e-12));
}

/**
 * k-nearest-neighbour classification accuracy of frozen features: each test row takes the
 * (weighted) vote of its k nearest training rows. Similarities come from one plain matMul
 * per batch of test rows against the explicitly transposed training matrix; for l2 the
 * ranking uses -(|a|^2 - 2 a.b + |b|^2).
 */
export async function knnAccuracy(
  trainFeatures: Features,
  trainLabels: ArrayLike<number>,
  testFeatures: Features,
  testLabels: ArrayLike<number>,
  options: Partial<KnnOptions> = {},
): Promise<KnnResult> {
  const where = 'eval/knnAccuracy';
  const o = resolveOptions(options, where);
  const [n, dim] = featureShape(trainFeatures, `${where}: trainFeatures`);
  const [nTest, dimTest] = featureShape(testFeatures, `${where}: testFeatures`);
  check(dimTest === dim, `${where}: testFeatures`, `${dim} columns like trainFeatures`, `${dimTest}`);
  check(o.k <= n, `${where}: options.k`, `at most the number of training rows (${n})`, String(o.k));
  const maxLabel = Math.max(
    checkLabels(trainLabels, n, `${where}: trainLabels`, o.numClasses),
    checkLabels(testLabels, nTest, `${where}: testLabels`, o.numClasses),
  );
  const numClasses = o.numClasses ?? maxLabel + 1;

  const [trainT, trainSq, test] = tf.tidy(() => {
    let tr = featureTensor(trainFeatures);
    let te = featureTensor(testFeatures);
    if (o.metric === 'cosine') {
      tr = normalizeRows(tr);
      te = normalizeRows(te);
    } else if (te === testFeatures) {
      te = tf.clone(te); // keep ownership uniform: disposed below
    }
    const sq = o.metric === 'l2' ? tf.reshape(tf.sum(tf.square(tr), 1), [1, n]) : tf.zeros([1, 1]);
    return [tf.transpose(tr) as tf.Tensor2D, sq as tf.Tensor2D, te];
  });

  const predictions = new Int32Array(nTest);
  const votes = new Float64Array(numClasses);
  try {
    for (let start = 0; start < nTest; start += o.batchSize) {
      const end = Math.min(nTest, start + o.batchSize);
      const { values, indices } = tf.tidy(() => {
        const q = tf.slice(test, [start, 0], [end - start, dim]);
        let sim = tf.matMul(q, trainT);
        if (o.metric === 'l2') {
          // -(squared distance); the |q|^2 term is constant per row but kept for weights.
          const qSq = tf.sum(tf.square(q), 1, true);
          sim = tf.neg(tf.add(tf.sub(trainSq, tf.mul(sim, 2)), qSq));
        }
        return tf.topk(sim, o.k, true);
      });
      const vals = await values.data();
      const idx = await indices.data();
      values.dispose();
      indices.dispose();
      for (let r = 0; r < end - start; r++) {
        votes.fill(0);
        for (let j = 0; j < o.k; j++) {
          const s = vals[r * o.k + j];
          let weight = 1;
          if (o.vote === 'weighted') {
            weight = o.metric === 'cosine' ? Math.exp(s / o.temperature) : 1 / (Math.sqrt(Math.max(-s, 0)) + 1e-12);
          }
          votes[trainLabels[idx[r * o.k + j]]] += weight;
        }
        // Scan neighbours in rank order: strict '>' gives ties to the first-ranked class.
        let best = trainLabels[idx[r * o.k]];
        for (let j = 1; j < o.k; j++) {
          const c = trainLabels[idx[r * o.k + j]];
          if (votes[c] > votes[best]) best = c;
        }
        predictions[start + r] = best;
      }
    }
  } finally {
    [trainT, trainSq, test].forEach((t) => t.dispose());
  }
  let correct = 0;
  for (let i = 0; i < nTest; i++) if (predictions[i] === testLabels[i]) correct++;
  return { accuracy: nTest > 0 ? correct / nTest : Number.NaN, predictions };
}
