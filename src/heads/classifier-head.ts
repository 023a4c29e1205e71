import * as tf from '@tensorflow/tfjs-core';
import { applyDense, createDense } from '../encoders/dense';
import { createParamScope, disposeScope } from '../encoders/param-scope';
import { InputError } from '../util/errors';

/** A linear classifier on representations, `[batch, inDim]` -> logits `[batch, classes]`. */
export interface ClassifierHead {
  readonly classes: number;
  readonly variables: readonly tf.Variable[];
  readonly state: readonly tf.Variable[];
  apply(z: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

/** A linear classification head (`classifier/out/{kernel,bias}`), the supervised objective's. */
export function classifierHead(options: { inDim: number; classes: number; seed: number; name?: string }): ClassifierHead {
  const scope = createParamScope(options.name ?? 'classifier', options.seed);
  const out = createDense(scope.child('out'), options.inDim, options.classes);
  return {
    classes: options.classes,
    variables: scope.variables,
    state: scope.state,
    apply: (z) => {
      if (z.rank !== 2 || z.shape[1] !== options.inDim) {
        throw new InputError(`classifierHead ${scope.path} input`, `shape [batch, ${options.inDim}]`, `[${z.shape.join(', ')}]`);
      }
      return applyDense(out, z) as tf.Tensor2D;
    },
    dispose: () => disposeScope(scope),
  };
}
