import * as tf from '@tensorflow/tfjs-core';
import { predictionHead } from '../heads/prediction-head';
import type { Encoder } from '../encoders/encoder';
import { projectionHead, type ProjectionHead } from '../heads/projection-head';
import { negativeCosineSimilarity } from '../losses/negative-cosine';
import { resolveOptions, rule } from '../util/options';
import { cosineMomentum, emaUpdate } from './ema';
import { headOptions, type HeadOptions } from './head-options';
import type { Objective, ObjectiveConfig, ObjectiveState } from './objective';
import { targetCopy, targetEncoder } from './target-copy';
import { halves, stackTwoViews } from './two-views';

/** Settings of BYOL. */
export interface ByolConfig extends ObjectiveConfig {
  readonly name: 'byol';
  /** Projector (`projectionHead` options). Default `{ hidden: [512], outDim: 128, batchNorm: true }`. */
  readonly projector: HeadOptions;
  /** Predictor on the projection (its output width is the projector's). Default `{ hidden: [512], batchNorm: true }`. */
  readonly predictor: HeadOptions;
  /** EMA momentum of the target at the first step. Default 0.99. */
  readonly momentum: number;
  /** Momentum at the last step (cosine schedule). Default 1. */
  readonly finalMomentum: number;
}

/** Defaults of BYOL: the reference recipe (projector 4096-256, EMA 0.99 -> 1) scaled down to our encoders. */
export const defaultByolConfig: ByolConfig = {
  name: 'byol',
  projector: { hidden: [512], outDim: 128, batchNorm: true },
  predictor: { hidden: [512], batchNorm: true },
  momentum: 0.99,
  finalMomentum: 1,
};

/** Resolves a partial BYOL config. */
export function resolveByolConfig(config: Partial<ByolConfig> | ObjectiveConfig = {}): ByolConfig {
  const momentum = rule.number({ min: 0, max: 1 });
  return resolveOptions(
    defaultByolConfig,
    { name: rule.literal('byol'), projector: headOptions, predictor: headOptions, momentum, finalMomentum: momentum },
    config,
    'byol config',
  );
}

/**
 * BYOL (Grill et al. 2020): the online network (encoder, projector, predictor) predicts
 * the target network's projection of the other view; the target (encoder and projector)
 * is an EMA of the online weights and gets no gradient. Loss
 * `(D(q(z1), z'2) + D(q(z2), z'1)) / 2` with `D` the negative cosine similarity (so -1
 * is perfect agreement); the momentum follows a cosine schedule to `finalMomentum`.
 */
export function byol(config: Partial<ByolConfig> | ObjectiveConfig = {}): Objective {
  const c = resolveByolConfig(config);
  return {
    config: c,
    numViews: 2,
    init(encoder, rng) {
      const projector = projectionHead({ ...c.projector, inDim: encoder.outDim, seed: rng.fork('projector').uint32() | 0, name: 'byol_projector' });
      const width = projector.config.outDim;
      const predictor = predictionHead({ ...c.predictor, inDim: width, outDim: width, seed: rng.fork('predictor').uint32() | 0, name: 'byol_predictor' });
      const target = targetEncoder(encoder, 'byol_target_encoder');
      const targetProjector = targetCopy(projector, () => projectionHead({ ...projector.config, name: 'byol_target_projector' }));
      const state: ByolState = {
        variables: [...projector.variables, ...predictor.variables],
        state: [...projector.state, ...predictor.state, ...target.variables, ...target.state, ...targetProjector.variables, ...targetProjector.state],
        project: projector.apply,
        online: { projector, predictor },
        target: { encoder: target, projector: targetProjector },
        dispose: () => [projector, predictor, target, targetProjector].forEach((m) => m.dispose()),
      };
      return state;
    },
    loss(encoder, state, { views }) {
      const s = state as ByolState;
      return tf.tidy(() => {
        const both = stackTwoViews('byol', views);
        const z = s.online.projector.apply(encoder.apply(both, true), true);
        const [p1, p2] = halves(s.online.predictor.apply(z, true));
        const [t1, t2] = halves(s.target.projector.apply(s.target.encoder.apply(both, true), true));
        return tf.div(tf.add(negativeCosineSimilarity(p1, t2), negativeCosineSimilarity(p2, t1)), 2) as tf.Scalar;
      });
    },
    afterStep(encoder, state, { step, totalSteps }) {
      const s = state as ByolState;
      const m = cosineMomentum(step, totalSteps, c.momentum, c.finalMomentum);
      emaUpdate(s.target.encoder.variables, encoder.variables, m);
      emaUpdate(s.target.projector.variables, s.online.projector.variables, m);
    },
  };
}

/** BYOL's state: the online heads and the EMA target. */
interface ByolState extends ObjectiveState {
  readonly online: { readonly projector: ProjectionHead; readonly predictor: ProjectionHead };
  readonly target: { readonly encoder: Encoder; readonly projector: ProjectionHead };
}
