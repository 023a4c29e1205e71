import { InputError } from '../util/errors';
import { cnnEncoder } from './cnn-encoder';
import type { Encoder, EncoderConfig } from './encoder';
import { mlpEncoder } from './mlp-encoder';
import { resnetEncoder } from './resnet-encoder';
import { describeValue } from './validate-options';
import { vitEncoder } from './vit-encoder';

/** Names of the encoders `createEncoder` knows. */
export type EncoderKind = 'mlp' | 'resnet' | 'cnn' | 'vit';

/** Builds an encoder from a config's fields (the factory checks them). */
export type EncoderFactory = (config: EncoderConfig) => Encoder;

/** The encoder registry: kind -> factory. */
export const encoderFactories: Readonly<Record<EncoderKind, EncoderFactory>> = {
  mlp: (config) => mlpEncoder(config),
  resnet: (config) => resnetEncoder(config),
  cnn: (config) => cnnEncoder(config),
  vit: (config) => vitEncoder(config),
};

/** All encoder kinds. */
export const encoderKinds = Object.keys(encoderFactories) as EncoderKind[];

/**
 * Builds the encoder a config describes, e.g. `createEncoder(encoder.config)` (or the
 * config parsed back from JSON) rebuilds an encoder with identical initial weights.
 */
export function createEncoder(config: EncoderConfig): Encoder {
  if (config === null || typeof config !== 'object') {
    throw new InputError('createEncoder config', 'an encoder config object', describeValue(config));
  }
  const kind = config.kind;
  if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(encoderFactories, kind)) {
    throw new InputError('createEncoder config.kind', `one of ${encoderKinds.map((k) => JSON.stringify(k)).join(', ')}`, describeValue(kind));
  }
  return encoderFactories[kind as EncoderKind](config);
}
