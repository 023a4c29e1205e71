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
  /** Token encoders (the ViT) only: the encoder run on a subset of patch tokens (MAE). */
  readonly tokens?: TokenEncoder;
  /** Frees all variables. */
  dispose(): void;
}

/**
 * A patch-token encoder run on visible patches only, as MAE trains it (He et al. 2022):
 * patches are embedded with their position embeddings, the visible ones selected, and
 * only those (plus the class token, when the encoder has one) go through the blocks.
 */
export interface TokenEncoder {
  readonly patchSize: number;
  /** The patch grid of the input images. */
  readonly grid: { readonly rows: number; readonly cols: number; readonly tokens: number };
  /** Token width. */
  readonly dim: number;
  /**
   * Encoded visible patch tokens `[batch, keep, dim]` (after the final layer norm, class
   * token dropped). `visible` `[batch, keep, tokens]` is a one-hot selection: row k of
   * image b picks the patch token that becomes output token k.
   */
  encodeVisible(images: tf.Tensor4D, visible: tf.Tensor3D, training: boolean): tf.Tensor3D;
}
