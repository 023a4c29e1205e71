export type { Encoder, EncoderConfig, TokenEncoder } from './encoder';
export { createEncoder, resolveEncoderConfig, encoderFactories, encoderKinds, type EncoderKind, type EncoderFactory } from './create-encoder';
export { mlpEncoder, mlpEncoderConfig, defaultMlpEncoderOptions, type MlpEncoderOptions } from './mlp-encoder';
export { cnnEncoder, cnnEncoderConfig, defaultCnnEncoderOptions, type CnnEncoderOptions } from './cnn-encoder';
export { resnetEncoder, resnetEncoderConfig, defaultResnetEncoderOptions, type ResnetEncoderOptions } from './resnet-encoder';
export { vitEncoder, vitEncoderConfig, defaultVitEncoderOptions, type VitEncoderOptions } from './vit-encoder';
export { countParameters, type CountParametersOptions } from './count-parameters';
export { buildEncoder, type Forward, type LayerSink } from './build-encoder';
export { createParamScope, relativeVariableName, disposeScope, type ParamScope } from './param-scope';
export { initValues, initKinds, type InitKind, type InitOptions } from './initializers';
export { createDense, applyDense, defaultDenseOptions, type DenseLayer, type DenseOptions } from './dense';
export { createConv2D, applyConv2D, defaultConv2DOptions, type Conv2DLayer, type Conv2DOptions } from './conv2d';
export {
  createBatchNorm,
  applyBatchNorm,
  defaultBatchNormOptions,
  type BatchNormLayer,
  type BatchNormOptions,
} from './batch-norm';
export {
  createLayerNorm,
  applyLayerNorm,
  defaultLayerNormOptions,
  type LayerNormLayer,
  type LayerNormOptions,
} from './layer-norm';
export {
  createMultiHeadAttention,
  applyMultiHeadAttention,
  scaledDotProductAttention,
  defaultMultiHeadAttentionOptions,
  type MultiHeadAttentionLayer,
  type MultiHeadAttentionOptions,
} from './attention';
export { gelu, defaultGeluOptions, type GeluOptions } from './gelu';
export { activate, activations, type Activation } from './activation';
export { dropout } from './dropout';
export { globalAveragePool } from './global-average-pool';
export { patchify, patchGrid } from './patchify';
export { createTransformerBlock, applyTransformerBlock, type TransformerBlock } from './transformer-block';
export { createGroupNorm, applyGroupNorm, groupsFor, type GroupNormLayer, type GroupNormOptions } from './group-norm';
export { createNorm, normKinds, normScopeName, type NormKind, type NormLayer, type NormSettings } from './norm-layer';
export {
  withPerExampleTape,
  withPerExampleGuard,
  recordingPerExample,
  recordGradient,
  repeatParameter,
  channelAffine,
  addBias,
  type PerExampleTape,
  type TapeRecord,
} from './per-example-tape';
export { convPatches } from './conv2d';
