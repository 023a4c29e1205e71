import * as tf from '@tensorflow/tfjs-core';
import { classifierHead } from '../heads/classifier-head';
import { crossEntropy } from '../losses/cross-entropy';
import { InputError } from '../util/errors';
import { resolveOptions, rule } from '../util/options';
import type { Objective, ObjectiveConfig } from './objective';

/** Settings of supervised training. */
export interface SupervisedConfig extends ObjectiveConfig {
  readonly name: 'supervised';
  /** Number of classes of the labels. Default 10. */
  readonly classes: number;
}

/** Defaults of supervised training. */
export const defaultSupervisedConfig: SupervisedConfig = { name: 'supervised', classes: 10 };

/** Resolves a partial supervised config. */
export function resolveSupervisedConfig(config: Partial<SupervisedConfig> | ObjectiveConfig = {}): SupervisedConfig {
  return resolveOptions(defaultSupervisedConfig, { name: rule.literal('supervised'), classes: rule.int({ min: 2 }) }, config, 'supervised config');
}

/**
 * Supervised training as an objective: a linear classifier on the encoder's
 * representation of one augmented view, softmax cross-entropy against the labels. The
 * classifier is `state.classify`, which label memorization (Feldman & Zhang 2020) reads;
 * SSLMem of the encoder works as for any objective.
 */
export function supervised(config: Partial<SupervisedConfig> | ObjectiveConfig = {}): Objective {
  const c = resolveSupervisedConfig(config);
  return {
    config: c,
    numViews: 1,
    needsLabels: true,
    init(encoder, rng) {
      const head = classifierHead({ inDim: encoder.outDim, classes: c.classes, seed: rng.fork('classifier').uint32() | 0 });
      return { variables: head.variables, state: head.state, classify: (z) => head.apply(z), dispose: head.dispose };
    },
    loss(encoder, state, { views, labels }) {
      if (views.length !== 1) throw new InputError('supervised loss views', '1 view', `${views.length}`);
      if (labels === undefined) throw new InputError('supervised loss batch', 'labels', 'none');
      const classify = state.classify!;
      return tf.tidy(() => crossEntropy(classify(encoder.apply(views[0], true), true), labels));
    },
    chanceLoss: () => Math.log(c.classes),
  };
}
