import * as tf from '@tensorflow/tfjs-core';
import { predictionHead } from '../heads/prediction-head';
import { projectionHead, type ProjectionHead } from '../heads/projection-head';
import { negativeCosineSimilarity } from '../losses/negative-cosine';
import { resolveOptions, rule } from '../util/options';
import { headOptions, type HeadOptions } from './head-options';
import type { Objective, ObjectiveConfig, ObjectiveState } from './objective';
import { stopGradient } from './stop-gradient';
import { halves, stackTwoViews } from './two-views';

/** Settings of SimSiam. */
export interface SimsiamConfig extends ObjectiveConfig {
  readonly name: 'simsiam';
  /** Projector, ending in batch norm. Default `{ hidden: [512], outDim: 128, batchNorm: true, outputBatchNorm: true }`. */
  readonly projector: HeadOptions;
  /** Bottleneck predictor (output width = the projector's). Default `{ hidden: [32], batchNorm: true }`. */
  readonly predictor: HeadOptions;
}

/** Defaults of SimSiam: the reference shape (projector 2048-2048 with output BN, predictor bottleneck of a quarter) scaled down. */
export const defaultSimsiamConfig: SimsiamConfig = {
  name: 'simsiam',
  projector: { hidden: [512], outDim: 128, batchNorm: true, outputBatchNorm: true },
  predictor: { hidden: [32], batchNorm: true },
};

/** Resolves a partial SimSiam config. */
export function resolveSimsiamConfig(config: Partial<SimsiamConfig> | ObjectiveConfig = {}): SimsiamConfig {
  return resolveOptions(defaultSimsiamConfig, { name: rule.literal('simsiam'), projector: headOptions, predictor: headOptions }, config, 'simsiam config');
}

/**
 * SimSiam (Chen & He 2021): one network (encoder and projector) for both views, a
 * predictor on one side and a stop-gradient on the other,
 * `L = (D(p1, sg(z2)) + D(p2, sg(z1))) / 2`, `D` the negative cosine similarity. No
 * negatives and no target network: the stop-gradient alone prevents collapse.
 */
export function simsiam(config: Partial<SimsiamConfig> | ObjectiveConfig = {}): Objective {
  const c = resolveSimsiamConfig(config);
  return {
    config: c,
    numViews: 2,
    init(encoder, rng) {
      const projector = projectionHead({ ...c.projector, inDim: encoder.outDim, seed: rng.fork('projector').uint32() | 0, name: 'simsiam_projector' });
      const width = projector.config.outDim;
      const predictor = predictionHead({ ...c.predictor, inDim: width, outDim: width, seed: rng.fork('predictor').uint32() | 0, name: 'simsiam_predictor' });
      const state: SimsiamState = {
        variables: [...projector.variables, ...predictor.variables],
        state: [...projector.state, ...predictor.state],
        project: projector.apply,
        projector,
        predictor,
        dispose: () => [projector, predictor].forEach((m) => m.dispose()),
      };
      return state;
    },
    loss(encoder, state, { views }) {
      const s = state as SimsiamState;
      return tf.tidy(() => {
        const z = s.projector.apply(encoder.apply(stackTwoViews('simsiam', views), true), true);
        const [p1, p2] = halves(s.predictor.apply(z, true));
        const [z1, z2] = halves(stopGradient(z));
        return tf.div(tf.add(negativeCosineSimilarity(p1, z2), negativeCosineSimilarity(p2, z1)), 2) as tf.Scalar;
      });
    },
  };
}

/** SimSiam's state: its projector and predictor. */
interface SimsiamState extends ObjectiveState {
  readonly projector: ProjectionHead;
  readonly predictor: ProjectionHead;
}
