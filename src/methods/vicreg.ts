import * as tf from '@tensorflow/tfjs-core';
import { projectionHead } from '../heads/projection-head';
import { vicregTerms } from '../losses/vicreg-terms';
import { resolveOptions, rule } from '../util/options';
import { headOptions, type HeadOptions } from './head-options';
import type { Objective, ObjectiveConfig } from './objective';
import { halves, stackTwoViews } from './two-views';

/** Settings of VICReg. */
export interface VicregConfig extends ObjectiveConfig {
  readonly name: 'vicreg';
  /** Expander (`projectionHead` options). Default `{ hidden: [512], outDim: 512, batchNorm: true }`. */
  readonly expander: HeadOptions;
  /** Weight lambda of the invariance term. Default 25. */
  readonly invarianceWeight: number;
  /** Weight mu of the variance term. Default 25. */
  readonly varianceWeight: number;
  /** Weight nu of the covariance term. Default 1. */
  readonly covarianceWeight: number;
  /** Target std per dimension. Default 1. */
  readonly gamma: number;
  /** Variance epsilon. Default 1e-4. */
  readonly epsilon: number;
}

/** Defaults of VICReg: weights 25/25/1 of the paper, the 8192-wide expander scaled to 512. */
export const defaultVicregConfig: VicregConfig = {
  name: 'vicreg',
  expander: { hidden: [512], outDim: 512, batchNorm: true },
  invarianceWeight: 25,
  varianceWeight: 25,
  covarianceWeight: 1,
  gamma: 1,
  epsilon: 1e-4,
};

/** Resolves a partial VICReg config. */
export function resolveVicregConfig(config: Partial<VicregConfig> | ObjectiveConfig = {}): VicregConfig {
  const weight = rule.number({ min: 0 });
  return resolveOptions(
    defaultVicregConfig,
    {
      name: rule.literal('vicreg'),
      expander: headOptions,
      invarianceWeight: weight,
      varianceWeight: weight,
      covarianceWeight: weight,
      gamma: rule.number({ min: 0, minOpen: true }),
      epsilon: rule.number({ min: 0, minOpen: true }),
    },
    config,
    'vicreg config',
  );
}

/**
 * VICReg (Bardes, Ponce & LeCun 2022): both views through encoder and expander; the loss
 * `lambda inv + mu var + nu cov` (see `vicregTerms`) pulls the two embeddings together
 * while keeping each dimension's variance up and the dimensions decorrelated. No
 * negatives, no target, no stop-gradient.
 */
export function vicreg(config: Partial<VicregConfig> | ObjectiveConfig = {}): Objective {
  const c = resolveVicregConfig(config);
  return {
    config: c,
    batchCoupling: 'the variance and covariance terms are statistics over the batch',
    numViews: 2,
    init(encoder, rng) {
      const expander = projectionHead({ ...c.expander, inDim: encoder.outDim, seed: rng.fork('expander').uint32() | 0, name: 'vicreg_expander' });
      return { variables: expander.variables, state: expander.state, project: expander.apply, dispose: expander.dispose };
    },
    loss(encoder, state, { views }) {
      const expand = state.project!;
      return tf.tidy(() => {
        const [z1, z2] = halves(expand(encoder.apply(stackTwoViews('vicreg', views), true), true));
        const t = vicregTerms(z1, z2, { gamma: c.gamma, epsilon: c.epsilon });
        return tf.addN([tf.mul(t.invariance, c.invarianceWeight), tf.mul(t.variance, c.varianceWeight), tf.mul(t.covariance, c.covarianceWeight)]) as tf.Scalar;
      });
    },
  };
}
