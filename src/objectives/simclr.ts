import * as tf from '@tensorflow/tfjs-core';
import type { Encoder } from '../encoders/encoder';
import { projectionHead, projectionHeadConfig, type ProjectionHeadOptions } from '../encoders/projection-head';
import { InputError } from '../util/errors';
import type { Rng } from '../util/rng';
import { ntXentStacked } from './nt-xent';
import type { Objective, ObjectiveConfig, ObjectiveState } from './objective';

/** Settings of SimCLR. */
export interface SimclrConfig extends ObjectiveConfig {
  readonly name: 'simclr';
  /** Softmax temperature tau of NT-Xent. Default 0.5 (the paper's setup). */
  readonly temperature: number;
  /**
   * Projection head g (see `projectionHead`; `inDim` is the encoder's `outDim`, the seed
   * comes from the init rng). Default `{ hidden: [512], outDim: 128 }`.
   */
  readonly projector: SimclrProjectorOptions;
}

/** Projection-head options SimCLR passes on to `projectionHead`. */
export type SimclrProjectorOptions = Partial<Omit<ProjectionHeadOptions, 'inDim' | 'seed' | 'name'>>;

/** Defaults of SimCLR. */
export const defaultSimclrConfig: SimclrConfig = {
  name: 'simclr',
  temperature: 0.5,
  projector: { hidden: [512], outDim: 128 },
};

/** Resolves a partial SimCLR config, rejecting unknown fields and bad values. */
export function resolveSimclrConfig(config: Partial<SimclrConfig> | ObjectiveConfig = {}): SimclrConfig {
  const out: Record<string, unknown> = { ...defaultSimclrConfig };
  for (const [field, value] of Object.entries(config)) {
    if (!(field in defaultSimclrConfig)) {
      throw new InputError(`simclr config.${field}`, `one of the fields ${Object.keys(defaultSimclrConfig).join(', ')}`, 'an unknown field');
    }
    if (value !== undefined) out[field] = value;
  }
  const c = out as unknown as SimclrConfig;
  if (c.name !== 'simclr') throw new InputError('simclr config.name', '"simclr"', JSON.stringify(c.name));
  if (!(typeof c.temperature === 'number' && c.temperature > 0)) {
    throw new InputError('simclr config.temperature', 'a number > 0', String(c.temperature));
  }
  if (typeof c.projector !== 'object' || c.projector === null || Array.isArray(c.projector)) {
    throw new InputError('simclr config.projector', 'an object of projection-head options', JSON.stringify(c.projector));
  }
  for (const field of ['inDim', 'seed', 'name']) {
    if (field in c.projector) throw new InputError(`simclr config.projector.${field}`, 'no such field (set by simclr)', 'a value');
  }
  projectionHeadConfig({ ...c.projector });
  return c;
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
    numViews: 2,
    init(encoder: Encoder, rng: Rng): ObjectiveState {
      const head = projectionHead({
        ...c.projector,
        inDim: encoder.outDim,
        seed: rng.fork('projector').uint32() | 0,
        name: 'simclr_projector',
      });
      return { variables: head.variables, state: head.state, project: head.apply, dispose: head.dispose };
    },
    loss(encoder, state, views) {
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
