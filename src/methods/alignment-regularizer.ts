import * as tf from '@tensorflow/tfjs-core';
import type { Encoder } from '../encoders/encoder';
import { describeValue, InputError } from '../util/errors';
import { checkBoolean, checkChoice, checkNumber, mergeOptions } from '../util/options';
import type { Objective, ObjectiveConfig } from './objective';
import { createFramework } from './frameworks';

/** Name of the alignment-regulariser wrapper in objective configs. */
export const alignmentRegularizerName = 'align-reg';

/**
 * Direction of the extra term. `'penalize'`: alignment is penalised, the loss gets
 * `- weight * distance`, so training pushes the two views of a training image apart (the
 * paper's regulariser). `'reward'`: the loss gets `+ weight * distance`, extra pressure to
 * align (a control in the other direction).
 */
export type AlignmentRegularizerSign = 'penalize' | 'reward';

/** Distance between the two views' representations (SSLMem's d). */
export type AlignmentRegularizerDistance = 'l2';

/** Settings of the alignment regulariser. */
export interface AlignmentRegularizerConfig extends ObjectiveConfig {
  readonly name: 'align-reg';
  /** The wrapped objective's config, as its own resolver completed it (any framework with >= 2 views). */
  readonly inner: ObjectiveConfig;
  /** Weight of the alignment term, a finite number >= 0; 0 gives exactly the inner loss. */
  readonly weight: number;
  /** Distance d between representations. Default `'l2'` (SSLMem's). */
  readonly distance: AlignmentRegularizerDistance;
  /** L2-normalise representations before the distance, as SSLMem does by default. Default true. */
  readonly normalize: boolean;
  /** Direction of the term, see `AlignmentRegularizerSign`. Default `'penalize'`. */
  readonly sign: AlignmentRegularizerSign;
}

const WHERE = 'align-reg config';
const SIGNS: readonly AlignmentRegularizerSign[] = ['penalize', 'reward'];
const DISTANCES: readonly AlignmentRegularizerDistance[] = ['l2'];

/** Resolves an alignment-regulariser config and builds its inner objective (`InputError` naming the field). */
function resolve(config: ObjectiveConfig): { config: AlignmentRegularizerConfig; inner: Objective } {
  const defaults = { name: alignmentRegularizerName, inner: undefined as unknown, weight: undefined as unknown, distance: 'l2', normalize: true, sign: 'penalize' };
  const merged = mergeOptions(defaults, config, WHERE) as Record<string, unknown>;
  if (merged.name !== alignmentRegularizerName) throw new InputError(`${WHERE}.name`, JSON.stringify(alignmentRegularizerName), describeValue(merged.name));
  const weight = checkNumber(merged.weight, `${WHERE}.weight`, { min: 0 });
  const distance = checkChoice(merged.distance, DISTANCES, `${WHERE}.distance`);
  const normalize = checkBoolean(merged.normalize, `${WHERE}.normalize`);
  const sign = checkChoice(merged.sign, SIGNS, `${WHERE}.sign`);
  if (sign === 'penalize' && !normalize) {
    throw new InputError(`${WHERE}.normalize`, 'true when sign is "penalize" (an unnormalised distance is unbounded, so the loss could fall without limit)', 'false');
  }
  const raw = merged.inner;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || typeof (raw as ObjectiveConfig).name !== 'string') {
    throw new InputError(`${WHERE}.inner`, 'an objective config with a name, e.g. { "name": "simclr" }', describeValue(raw));
  }
  if ((raw as ObjectiveConfig).name === alignmentRegularizerName) {
    throw new InputError(`${WHERE}.inner.name`, 'an objective other than align-reg (the regulariser does not nest)', JSON.stringify(alignmentRegularizerName));
  }
  let inner: Objective;
  try {
    inner = createFramework(raw as ObjectiveConfig);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${WHERE}.inner: ${e.where}`, e.expected, e.found);
    throw e;
  }
  if (inner.numViews < 2) {
    throw new InputError(
      `${WHERE}.inner`,
      'an objective with at least 2 views per image (the term compares the first two)',
      `"${inner.config.name}" with ${inner.numViews} view${inner.numViews === 1 ? '' : 's'}`,
    );
  }
  return { config: { name: 'align-reg', inner: inner.config, weight, distance, normalize, sign }, inner };
}

/** Rows scaled to unit L2 norm; the squared norm is clamped (not the norm) so a zero row has a finite gradient. */
function normalizeRows(z: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(z, tf.sqrt(tf.maximum(tf.sum(tf.square(z), 1, true), 1e-24))));
}

/**
 * Mean over the batch of the l2 distance between the encoder's representations of two
 * views (training mode, both views in one pass when they have the same size). The squared
 * distance is clamped at 1e-12 before the square root so that identical views give a
 * zero, finite gradient instead of NaN (the value then reads 1e-6 instead of 0).
 */
export function alignmentTerm(encoder: Encoder, view1: tf.Tensor4D, view2: tf.Tensor4D, normalize: boolean): tf.Scalar {
  return tf.tidy(() => {
    const n = view1.shape[0];
    const sameSize = view1.shape.every((d, i) => d === view2.shape[i]);
    let z1: tf.Tensor2D;
    let z2: tf.Tensor2D;
    if (sameSize) [z1, z2] = tf.split(encoder.apply(tf.concat([view1, view2], 0), true), [n, n], 0) as [tf.Tensor2D, tf.Tensor2D];
    else [z1, z2] = [encoder.apply(view1, true), encoder.apply(view2, true)];
    if (normalize) [z1, z2] = [normalizeRows(z1), normalizeRows(z2)];
    const distance = tf.sqrt(tf.maximum(tf.sum(tf.square(tf.sub(z1, z2)), 1), 1e-12));
    return tf.mean(distance) as tf.Scalar;
  });
}

/**
 * Alignment regulariser (paper, section 4.4) around any objective with two or more views:
 * loss = inner loss - weight * mean_i d(f(x'_i), f(x''_i)) for the batch's first two views
 * (the ones the inner objective gets), d the l2 distance of (by default L2-normalised)
 * encoder representations, i.e. the per-batch estimate of SSLMem's alignment loss.
 *
 * Why the minus sign (`sign: 'penalize'`): SSLMem scores a point as memorized when the
 * encoder trained on it aligns its views much better than a reference encoder that never
 * saw it. The paper limits memorization by keeping the encoder from aligning its training
 * points too well, so the regulariser rewards a larger alignment distance on the training
 * batch; less memorization then comes with lower downstream accuracy (finding 8).
 * Normalised representations keep the distance below 2, so the term is bounded (hence
 * `normalize: false` is refused with this sign). `sign: 'reward'` adds the term instead.
 *
 * Everything else (views, heads, state, EMA updates, view augmentations, labels, encoder
 * compatibility, batch coupling, chance level) is the inner objective's: the term is one
 * distance per example, so it adds no coupling between examples, and a collapsed encoder
 * scores 0 on it. With weight 0 `loss` returns the inner loss itself (bitwise). Config:
 * `{ name: 'align-reg', inner: { name: 'simclr' }, weight: 1 }`, plain JSON, so it enters
 * every run key. The extra encoder pass runs in training mode, so running statistics of
 * the encoder (batch norm) are updated once more per step.
 */
export function alignmentRegularizer(config: ObjectiveConfig): Objective {
  const { config: c, inner } = resolve(config);
  const factor = c.sign === 'penalize' ? -c.weight : c.weight;
  const objective: Objective = {
    config: c,
    numViews: inner.numViews,
    init: (encoder, rng) => inner.init(encoder, rng),
    loss(encoder, state, batch, rng) {
      if (c.weight === 0) return inner.loss(encoder, state, batch, rng);
      const { views } = batch;
      if (views.length < 2) throw new InputError('align-reg loss views', `at least 2 views`, `${views.length}`);
      return tf.tidy(() => tf.add(inner.loss(encoder, state, batch, rng), tf.mul(alignmentTerm(encoder, views[0], views[1], c.normalize), factor)) as tf.Scalar);
    },
  };
  // Optional members are copied only where the inner objective has them.
  const o = objective as { -readonly [K in keyof Objective]: Objective[K] };
  if (inner.needsLabels !== undefined) o.needsLabels = inner.needsLabels;
  if (inner.batchCoupling !== undefined) o.batchCoupling = inner.batchCoupling;
  if (inner.suggestedEncoder !== undefined) o.suggestedEncoder = inner.suggestedEncoder;
  if (inner.viewAugmentations !== undefined) o.viewAugmentations = (augment) => inner.viewAugmentations!(augment);
  if (inner.encoderProblem !== undefined) o.encoderProblem = (encoder) => inner.encoderProblem!(encoder);
  if (inner.afterStep !== undefined) o.afterStep = (encoder, state, progress) => inner.afterStep!(encoder, state, progress);
  if (inner.chanceLoss !== undefined) o.chanceLoss = (batchSize) => inner.chanceLoss!(batchSize);
  return objective;
}
