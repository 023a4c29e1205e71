import { InputError } from '../util/errors';
import { cnnEncoder, cnnEncoderConfig } from './cnn-encoder';
import type { Encoder, EncoderConfig } from './encoder';
import { mlpEncoder, mlpEncoderConfig } from './mlp-encoder';
import { resnetEncoder, resnetEncoderConfig } from './resnet-encoder';
import { describeValue } from '../util/options';
import { vitEncoder, vitEncoderConfig } from './vit-encoder';

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

/** Each kind's option check, which fills in the defaults without building anything. */
const encoderConfigResolvers: Readonly<Record<EncoderKind, (config: EncoderConfig) => EncoderConfig>> = {
  mlp: (config) => mlpEncoderConfig(config),
  resnet: (config) => resnetEncoderConfig(config),
  cnn: (config) => cnnEncoderConfig(config),
  vit: (config) => vitEncoderConfig(config),
};

/** All encoder kinds. */
export const encoderKinds = Object.keys(encoderFactories) as EncoderKind[];

/**
 * Builds the encoder a config describes, e.g. `createEncoder(encoder.config)` (or the
 * config parsed back from JSON) rebuilds an encoder with identical initial weights.
 */
export function createEncoder(config: EncoderConfig): Encoder {
  return encoderFactories[kindOf(config, 'createEncoder')](config);
}

/**
 * Checks an encoder config as `createEncoder` would, without building it (no tensors):
 * returns the config with every default filled in.
 * @throws InputError naming the field that is wrong.
 */
export function resolveEncoderConfig(config: EncoderConfig): EncoderConfig {
  return encoderConfigResolvers[kindOf(config, 'resolveEncoderConfig')](config);
}

function kindOf(config: EncoderConfig, where: string): EncoderKind {
  if (config === null || typeof config !== 'object') {
    throw new InputError(`${where} config`, 'an encoder config object', describeValue(config));
  }
  const kind = config.kind;
  if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(encoderFactories, kind)) {
    throw new InputError(`${where} config.kind`, `one of ${encoderKinds.map((k) => JSON.stringify(k)).join(', ')}`, describeValue(kind));
  }
  return kind as EncoderKind;
}
