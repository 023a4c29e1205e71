import type * as tf from '@tensorflow/tfjs-core';

/** Serialisable description of an encoder: enough to build it again (see `createEncoder`). */
export interface EncoderConfig {
  /** Registry name, e.g. `mlp`, `resnet`, `vit`. */
  readonly kind: string;
  /** `[height, width, channels]` of the input images. */
  readonly inputShape: readonly [number, number, number];
  /** Further architecture fields, all literal values (see each encoder's options). */
  readonly [field: string]: unknown;
}

/**
 * An encoder f: images -> representations. Plain object with its variables listed, so
 * optimizers, checkpoints, EMA targets and DP-SGD can all work on `variables` directly.
 */
export interface Encoder {
  readonly config: EncoderConfig;
  /** Size of the representation returned by `apply`. */
  readonly outDim: number;
  /** Trainable variables, in a fixed order, each with a unique stable `name`. */
  readonly variables: readonly tf.Variable[];
  /** Non-trainable state (batch-norm running statistics), unique stable names. */
  readonly state: readonly tf.Variable[];
  /**
   * Representation of a batch: `[batch, h, w, c]` -> `[batch, outDim]`. `training`
   * switches batch norm to batch statistics (and updates running statistics) and enables
   * dropout.
   */
  apply(images: tf.Tensor4D, training: boolean): tf.Tensor2D;
  /**
   * Intermediate outputs by layer name (for LayerMem/UnitMem later); the last entry is the
   * representation. Optional.
   */
  applyLayers?(images: tf.Tensor4D, training: boolean): Array<{ name: string; output: tf.Tensor }>;
  /** Frees all variables. */
  dispose(): void;
}
