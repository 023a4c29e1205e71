import * as tf from '@tensorflow/tfjs-core';
import { activate, activations, type Activation } from '../encoders/activation';
import { applyDense, createDense, type DenseLayer } from '../encoders/dense';
import { createParamScope, disposeScope } from '../encoders/param-scope';
import { l2Normalize } from '../losses/l2-normalize';
import { InputError } from '../util/errors';
import { resolveOptions, rule } from '../util/options';

/** Options of `dinoHead`. */
export interface DinoHeadOptions {
  /** Input width (the encoder's `outDim`). Default 128. */
  readonly inDim: number;
  /** Hidden widths of the MLP. Default `[512]`. */
  readonly hidden: readonly number[];
  /** Bottleneck width before L2 normalisation. Default 64. */
  readonly bottleneck: number;
  /** Number of prototypes K (the logits' width). Default 1024. */
  readonly prototypes: number;
  /** Hidden nonlinearity. Default `gelu`. */
  readonly activation: Activation;
  /** Seed of the initial weights. Default 0. */
  readonly seed: number;
  /** Root of the variable names. Default `dino_head`. */
  readonly name: string;
}

/** Defaults of `dinoHead`. */
export const defaultDinoHeadOptions: DinoHeadOptions = {
  inDim: 128,
  hidden: [512],
  bottleneck: 64,
  prototypes: 1024,
  activation: 'gelu',
  seed: 0,
  name: 'dino_head',
};

/** Checks and fills in `dinoHead` options. */
export function dinoHeadConfig(options: unknown = {}, where = 'dinoHead options'): DinoHeadOptions {
  return resolveOptions(
    defaultDinoHeadOptions,
    {
      inDim: rule.int({ min: 1 }),
      hidden: rule.intList({ min: 1 }),
      bottleneck: rule.int({ min: 1 }),
      prototypes: rule.int({ min: 2 }),
      activation: rule.choice(activations),
      seed: rule.int(),
      name: rule.name(),
    },
    options,
    where,
  );
}

/** DINO's head: logits over prototypes, `[batch, inDim]` -> `[batch, prototypes]`. */
export interface DinoHead {
  readonly config: DinoHeadOptions;
  readonly variables: readonly tf.Variable[];
  readonly state: readonly tf.Variable[];
  apply(z: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

/**
 * The DINO projection head (Caron et al. 2021): an MLP to a bottleneck, L2 normalisation,
 * then a weight-normalised linear layer without bias onto K prototypes (each prototype
 * column has unit norm, DINO's `norm_last_layer`), so logits are cosine similarities.
 * Variables `dino_head/dense1/...`, `dino_head/bottleneck/...`, `dino_head/prototypes/kernel`.
 */
export function dinoHead(options: Partial<DinoHeadOptions> = {}): DinoHead {
  const config = dinoHeadConfig(options);
  const scope = createParamScope(config.name, config.seed);
  const layers: DenseLayer[] = [];
  let width = config.inDim;
  config.hidden.forEach((units, i) => {
    layers.push(createDense(scope.child(`dense${i + 1}`), width, units, { init: 'he-normal' }));
    width = units;
  });
  const bottleneck = createDense(scope.child('bottleneck'), width, config.bottleneck);
  const prototypes = createDense(scope.child('prototypes'), config.bottleneck, config.prototypes, { bias: false });
  return {
    config,
    variables: scope.variables,
    state: scope.state,
    apply: (z) => {
      if (z.rank !== 2 || z.shape[1] !== config.inDim) {
        throw new InputError(`dinoHead ${scope.path} input`, `shape [batch, ${config.inDim}]`, `[${z.shape.join(', ')}]`);
      }
      return tf.tidy(() => {
        let x: tf.Tensor = z;
        for (const layer of layers) x = activate(applyDense(layer, x), config.activation);
        const unit = l2Normalize(applyDense(bottleneck, x) as tf.Tensor2D);
        const kernel = prototypes.kernel as tf.Tensor2D; // [bottleneck, K]
        const columns = tf.div(kernel, tf.sqrt(tf.maximum(tf.sum(tf.square(kernel), 0, true), 1e-24)));
        return tf.matMul(unit, columns as tf.Tensor2D);
      });
    },
    dispose: () => disposeScope(scope),
  };
}
