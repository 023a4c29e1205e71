import * as tf from '@tensorflow/tfjs-core';
import type { Encoder } from '../encoders/encoder';
import type { ObjectiveState } from '../methods/objective';
import { check } from '../util/errors';
import { resolveOptions, rule } from '../util/options';
import { imageSourceSize, readImageBatch, type ImageSource } from './image-source';

/** Options of `labelProbabilities`. */
export interface LabelProbabilitiesOptions {
  /** Images per forward pass. Default 250. */
  readonly batchSize: number;
  /** Name of the objective the state comes from, for the error when it has no classifier. Default null (not named). */
  readonly objective: string | null;
}

/** Defaults of `labelProbabilities`. */
export const defaultLabelProbabilitiesOptions: LabelProbabilitiesOptions = { batchSize: 250, objective: null };

/**
 * `P(y_i | x_i)`: the softmax probability that a supervised model (the encoder and its
 * `state.classify`, both in eval mode) gives each image's own label, `[n]`, in batches of
 * `batchSize`: `softmax(classify(encoder(x_i)))[y_i]`. The ingredient of label memorization
 * (Feldman & Zhang 2020, `mem(A, S, i) = P_{h~A(S)}[h(x_i) = y_i] - P_{h~A(S\i)}[h(x_i) = y_i]`,
 * with the softmax probability in place of the 0/1 correctness).
 * `images` `[n, h, w, c]` (a tensor or a batch source), `labels` `[n]` integer classes.
 * @throws InputError when the state has no classifier (not a supervised objective), when
 * `labels` does not have one entry per image, or for a label outside `[0, classes)`.
 */
export function labelProbabilities(
  encoder: Encoder,
  state: ObjectiveState,
  images: ImageSource,
  labels: ArrayLike<number>,
  options: Partial<LabelProbabilitiesOptions> = {},
): Float64Array {
  const where = 'memorization/labelProbabilities';
  const o = resolveOptions(defaultLabelProbabilitiesOptions, { batchSize: rule.int({ min: 1 }), objective: rule.nullable(rule.name()) }, options, `${where} options`);
  const classify = state?.classify;
  check(
    typeof classify === 'function',
    `${where}: state.classify`,
    'the classifier of a supervised objective (label memorization needs objective "supervised")',
    `an objective state without one${o.objective === null ? '' : ` (objective "${o.objective}")`}`,
  );
  const n = imageSourceSize(images, where);
  check(labels !== null && typeof labels === 'object' && labels.length === n, `${where}: labels`, `${n} labels (one per image)`, String(labels?.length));
  for (let i = 0; i < n; i++) {
    check(Number.isInteger(labels[i]) && labels[i] >= 0, `${where}: labels[${i}]`, 'a class, an integer >= 0', String(labels[i]));
  }
  const out = new Float64Array(n);
  for (let start = 0; start < n; start += o.batchSize) {
    const end = Math.min(n, start + o.batchSize);
    const probabilities = tf.tidy(() => {
      const logits = classify.call(state, encoder.apply(readImageBatch(images, start, end, where), false), false);
      return { classes: logits.shape[1], values: tf.softmax(logits).dataSync() };
    });
    const { classes, values } = probabilities;
    for (let k = 0; k < end - start; k++) {
      const y = labels[start + k];
      check(y < classes, `${where}: labels[${start + k}]`, `a class in [0, ${classes})`, String(y));
      out[start + k] = values[k * classes + y];
    }
  }
  return out;
}
