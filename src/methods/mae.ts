import * as tf from '@tensorflow/tfjs-core';
import { patchify } from '../encoders/patchify';
import { maeDecoder, type MaeDecoder } from '../heads/mae-decoder';
import { maskedPatchMse } from '../losses/masked-patch-mse';
import { InputError } from '../util/errors';
import { resolveOptions, rule } from '../util/options';
import type { Objective, ObjectiveConfig, ObjectiveState } from './objective';
import { randomPatchMask } from './random-patch-mask';

/** Settings of MAE. */
export interface MaeConfig extends ObjectiveConfig {
  readonly name: 'mae';
  /** Fraction of patches masked. Default 0.75. */
  readonly maskRatio: number;
  /** Decoder token width. Default 64. */
  readonly decoderDim: number;
  /** Decoder blocks. Default 1 (a light decoder). */
  readonly decoderDepth: number;
  /** Decoder attention heads. Default 2. */
  readonly decoderHeads: number;
  /** Decoder MLP ratio. Default 2. */
  readonly decoderMlpRatio: number;
  /** Standardise each target patch (MAE's per-patch normalised pixel loss). Default true. */
  readonly normalizeTarget: boolean;
}

/** Defaults of MAE: mask ratio 0.75, a light decoder, per-patch normalised pixel loss. */
export const defaultMaeConfig: MaeConfig = {
  name: 'mae',
  maskRatio: 0.75,
  decoderDim: 64,
  decoderDepth: 1,
  decoderHeads: 2,
  decoderMlpRatio: 2,
  normalizeTarget: true,
};

/** The ViT MAE trains when the experiment's encoder cannot be masked: 4x4 patches, 64-wide, 4 blocks, mean-pooled. */
export const maeSuggestedEncoder = { kind: 'vit', patchSize: 4, dim: 64, depth: 4, heads: 4, mlpRatio: 2, pool: 'mean' } as const;

/** Resolves a partial MAE config. */
export function resolveMaeConfig(config: Partial<MaeConfig> | ObjectiveConfig = {}): MaeConfig {
  const c = resolveOptions(
    defaultMaeConfig,
    {
      name: rule.literal('mae'),
      maskRatio: rule.number({ min: 0, max: 1, maxOpen: true }),
      decoderDim: rule.int({ min: 1 }),
      decoderDepth: rule.int({ min: 1 }),
      decoderHeads: rule.int({ min: 1 }),
      decoderMlpRatio: rule.number({ min: 0, minOpen: true }),
      normalizeTarget: rule.boolean(),
    },
    config,
    'mae config',
  );
  if (c.decoderDim % c.decoderHeads !== 0) throw new InputError('mae config.decoderHeads', `a divisor of decoderDim ${c.decoderDim}`, `${c.decoderHeads}`);
  return c;
}

/**
 * MAE (He et al. 2022) on a ViT: each image's patches are masked at random (`maskRatio`),
 * the encoder runs on the visible patches only (`Encoder.tokens.encodeVisible`), a light
 * decoder fills in mask tokens and predicts every patch's pixels, and the loss is the
 * squared error on the masked patches (`maskedPatchMse`). SSLMem then reads the encoder's
 * pooled representation of the whole, unmasked image (`encoder.apply`).
 */
export function mae(config: Partial<MaeConfig> | ObjectiveConfig = {}): Objective {
  const c = resolveMaeConfig(config);
  const problem = (encoder: { kind: string }): string | undefined =>
    encoder.kind === 'vit' ? undefined : `mae masks patch tokens, so it trains a ViT (encoder kind "vit"); found encoder kind "${encoder.kind}"`;
  return {
    config: c,
    numViews: 1,
    encoderProblem: problem,
    suggestedEncoder: maeSuggestedEncoder,
    init(encoder, rng) {
      const tokens = encoder.tokens;
      if (tokens === undefined) throw new InputError('mae init encoder', 'a ViT (an encoder with patch tokens)', `encoder kind "${encoder.config.kind}"`);
      const channels = encoder.config.inputShape[2];
      const decoder = maeDecoder({
        inDim: tokens.dim,
        tokens: tokens.grid.tokens,
        patchValues: tokens.patchSize * tokens.patchSize * channels,
        dim: c.decoderDim,
        depth: c.decoderDepth,
        heads: c.decoderHeads,
        mlpRatio: c.decoderMlpRatio,
        seed: rng.fork('decoder').uint32() | 0,
        name: 'mae_decoder',
      });
      const state: MaeState = { variables: decoder.variables, state: decoder.state, decoder, dispose: decoder.dispose };
      return state;
    },
    loss(encoder, state, { views }, rng) {
      const tokens = encoder.tokens;
      if (views.length !== 1) throw new InputError('mae loss views', '1 view', `${views.length}`);
      if (tokens === undefined) throw new InputError('mae loss encoder', 'a ViT (an encoder with patch tokens)', `encoder kind "${encoder.config.kind}"`);
      const images = views[0];
      return tf.tidy(() => {
        const mask = randomPatchMask(images.shape[0], tokens.grid.tokens, c.maskRatio, rng.fork('mask'));
        const encoded = tokens.encodeVisible(images, mask.visible, true);
        const prediction = (state as MaeState).decoder.apply(encoded, mask.visible);
        return maskedPatchMse(prediction, patchify(images, tokens.patchSize), mask.masked, { normalizeTarget: c.normalizeTarget });
      });
    },
  };
}

/** MAE's state: the decoder. */
interface MaeState extends ObjectiveState {
  readonly decoder: MaeDecoder;
}
