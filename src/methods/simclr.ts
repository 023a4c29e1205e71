import * as tf from '@tensorflow/tfjs-core';
import type { Encoder } from '../encoders/encoder';
import { projectionHead } from '../heads/projection-head';
import { ntXentStacked } from '../losses/nt-xent';
import { InputError } from '../util/errors';
import { resolveOptions, rule } from '../util/options';
import type { Rng } from '../util/rng';
import { headOptions, type HeadOptions } from './head-options';
import type { Objective, ObjectiveConfig, ObjectiveState } from './objective';

/** Settings of SimCLR. */
export interface SimclrConfig extends ObjectiveConfig {
  readonly name: 'simclr';
  /** Softmax temperature tau of NT-Xent. Default 0.5 (the paper's setup). */
  readonly temperature: number;
  /** Projection head g (`projectionHead` options). Default `{ hidden: [512], outDim: 128 }`. */
  readonly projector: HeadOptions;
}

/** Defaults of SimCLR. */
export const defaultSimclrConfig: SimclrConfig = {
  name: 'simclr',
  temperature: 0.5,
  projector: { hidden: [512], outDim: 128 },
};

/** Resolves a partial SimCLR config, rejecting unknown fields and bad values. */
export function resolveSimclrConfig(config: Partial<SimclrConfig> | ObjectiveConfig = {}): SimclrConfig {
  return resolveOptions(
    defaultSimclrConfig,
    { name: rule.literal('simclr'), temperature: rule.number({ min: 0, minOpen: true }), projector: headOptions },
    config,
    'simclr config',
  );
}

/**
 * SimCLR (Chen et al. 2020): both views go through the encoder f as one batch of 2n
 * images, then through the projection head g; the loss is NT-Xent on `g(f(x'))`,
 * `g(f(x''))` (see `ntXentLoss`). The head lives in the objective state and is also
 * exposed as `state.project`.
 */
export function simclr(config: Partial<SimclrConfig> | ObjectiveConfig = {}): Objective {
  const c = resolveSimclrConfig(config);
  return {
    config: c,
    batchCoupling: 'NT-Xent contrasts every view with the other views of the batch as negatives',
    numViews: 2,
    init(encoder: Encoder, rng: Rng): ObjectiveState {
      const head = projectionHead({ ...c.projector, inDim: encoder.outDim, seed: rng.fork('projector').uint32() | 0, name: 'simclr_projector' });
      return { variables: head.variables, state: head.state, project: head.apply, dispose: head.dispose };
    },
    loss(encoder, state, { views }) {
      if (views.length !== 2) throw new InputError('simclr loss views', '2 views', `${views.length}`);
      if (state.project === undefined) throw new InputError('simclr loss state', 'a state made by simclr().init', 'no projection head');
      const project = state.project;
      return tf.tidy(() => {
        const representation = encoder.apply(tf.concat(views as tf.Tensor4D[], 0), true);
        return ntXentStacked(project(representation, true), c.temperature);
      });
    },
    // Every one of the 2B views has 2B - 1 candidates; equal similarities give log(2B - 1).
    chanceLoss: (batchSize) => Math.log(2 * batchSize - 1),
  };
}
