import type * as tf from '@tensorflow/tfjs-core';

/** Options of `countParameters`. */
export interface CountParametersOptions {
  /** Also count non-trainable state (batch-norm running statistics). Default false. */
  readonly includeState: boolean;
}

/** Number of scalar parameters of an encoder or head (trainable variables; plus state on request). */
export function countParameters(
  model: { readonly variables: readonly tf.Variable[]; readonly state?: readonly tf.Variable[] },
  options: Partial<CountParametersOptions> = {},
): number {
  const list = options.includeState ? [...model.variables, ...(model.state ?? [])] : model.variables;
  return list.reduce((sum, v) => sum + v.size, 0);
}
