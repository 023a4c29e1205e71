import * as tf from '@tensorflow/tfjs-core';
import { activate, activations, type Activation } from '../encoders/activation';
import { createNorm, normKinds, normScopeName, type NormKind, type NormLayer } from '../encoders/norm-layer';
import { applyDense, createDense, type DenseLayer } from '../encoders/dense';
import { InputError } from '../util/errors';
import { createParamScope, disposeScope } from '../encoders/param-scope';
import {
  checkBoolean,
  checkChoice,
  checkInt,
  checkIntList,
  checkName,
  checkNumber,
  checkPositiveInt,
  mergeOptions,
} from '../util/options';

/** Options of `projectionHead`. */
export interface ProjectionHeadOptions {
  /** Input width (the encoder's `outDim`). Default 128. */
  readonly inDim: number;
  /** Hidden widths, each `dense -> (BN) -> activation`. Default `[512]`. */
  readonly hidden: readonly number[];
  /** Output width. Default 128. */
  readonly outDim: number;
  /** Batch norm after each hidden dense layer. Default false. */
  readonly batchNorm: boolean;
  /** Batch norm (without a following activation) on the output, as SimSiam's projector. Default false. */
  readonly outputBatchNorm: boolean;
  /**
   * The kind of norm `batchNorm` and `outputBatchNorm` put in: `batch` (default), or
   * `layer`/`group`, which keep the examples apart (what DP-SGD needs).
   */
  readonly norm: NormKind;
  /** Apply the activation to the input first (the paper pilot's `ReLU, Linear, ReLU, Linear`). Default false. */
  readonly activateInput: boolean;
  /** Hidden nonlinearity. Default `relu`. */
  readonly activation: Activation;
  /** Batch-norm momentum (weight of the old running value). Default 0.9. */
  readonly batchNormMomentum: number;
  /** Seed of the initial weights. Default 0. */
  readonly seed: number;
  /** Root of the variable names. Default `projector`. */
  readonly name: string;
}

/** Defaults of `projectionHead`. */
export const defaultProjectionHeadOptions: ProjectionHeadOptions = {
  inDim: 128,
  hidden: [512],
  outDim: 128,
  batchNorm: false,
  outputBatchNorm: false,
  norm: 'batch',
  activateInput: false,
  activation: 'relu',
  batchNormMomentum: 0.9,
  seed: 0,
  name: 'projector',
};

/** A projection (or prediction) head g: `[batch, inDim]` -> `[batch, outDim]`. */
export interface ProjectionHead {
  /** All options with defaults filled in (plain JSON). */
  readonly config: ProjectionHeadOptions;
  readonly variables: readonly tf.Variable[];
  readonly state: readonly tf.Variable[];
  /** `[batch, inDim]` -> `[batch, outDim]`; `training` selects batch statistics. */
  apply(z: tf.Tensor2D, training: boolean): tf.Tensor2D;
  dispose(): void;
}

/** Checks and fills in `projectionHead` options. */
export function projectionHeadConfig(options: Partial<ProjectionHeadOptions> = {}): ProjectionHeadOptions {
  const where = 'projectionHead options';
  const o = mergeOptions(defaultProjectionHeadOptions, options, where);
  return {
    inDim: checkPositiveInt(o.inDim, `${where}.inDim`),
    hidden: checkIntList(o.hidden, `${where}.hidden`, { min: 1 }),
    outDim: checkPositiveInt(o.outDim, `${where}.outDim`),
    batchNorm: checkBoolean(o.batchNorm, `${where}.batchNorm`),
    outputBatchNorm: checkBoolean(o.outputBatchNorm, `${where}.outputBatchNorm`),
    norm: checkChoice(o.norm, normKinds, `${where}.norm`),
    activateInput: checkBoolean(o.activateInput, `${where}.activateInput`),
    activation: checkChoice(o.activation, activations, `${where}.activation`),
    batchNormMomentum: checkNumber(o.batchNormMomentum, `${where}.batchNormMomentum`, { min: 0, max: 1 }),
    seed: checkInt(o.seed, `${where}.seed`),
    name: checkName(o.name, `${where}.name`),
  };
}

/**
 * An MLP head as used by SimCLR (Chen et al. 2020): `[(act) ->] [dense -> (BN) -> act] x
 * hidden -> dense [-> BN]`. Variables `projector/dense1/...`, `projector/bn1/...`,
 * `projector/out/...`, `projector/out_bn/...`. Objectives own it (see `ObjectiveState`).
 */
export function projectionHead(options: Partial<ProjectionHeadOptions> = {}): ProjectionHead {
  const config = projectionHeadConfig(options);
  const scope = createParamScope(config.name, config.seed);
  const layers: Array<{ dense: DenseLayer; bn: NormLayer | null }> = [];
  let width = config.inDim;
  config.hidden.forEach((units, i) => {
    layers.push({
      dense: createDense(scope.child(`dense${i + 1}`), width, units, { init: 'he-normal', bias: !config.batchNorm }),
      bn: config.batchNorm ? createNorm(scope.child(normScopeName(config.norm, i + 1)), units, config.norm, { momentum: config.batchNormMomentum }) : null,
    });
    width = units;
  });
  const out = createDense(scope.child('out'), width, config.outDim, { bias: !config.outputBatchNorm });
  const outBn = config.outputBatchNorm
    ? createNorm(scope.child(config.norm === 'batch' ? 'out_bn' : 'out_norm'), config.outDim, config.norm, { momentum: config.batchNormMomentum })
    : null;
  return {
    config,
    variables: scope.variables,
    state: scope.state,
    apply: (z, training) => {
      if (z.rank !== 2 || z.shape[1] !== config.inDim) {
        throw new InputError(`projectionHead ${scope.path} input`, `shape [batch, ${config.inDim}]`, `[${z.shape.join(', ')}]`);
      }
      return tf.tidy(() => {
        let x: tf.Tensor = config.activateInput ? activate(z, config.activation) : z;
        for (const { dense, bn } of layers) {
          x = applyDense(dense, x);
          if (bn) x = bn.apply(x, training);
          x = activate(x, config.activation);
        }
        x = applyDense(out, x);
        if (outBn) x = outBn.apply(x, training);
        return x as tf.Tensor2D;
      });
    },
    dispose: () => disposeScope(scope),
  };
}
