import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../util/rng';
import { InputError } from '../util/errors';
import { buildEncoder } from './build-encoder';
import { applyDense, createDense } from './dense';
import { dropout } from './dropout';
import type { Encoder, EncoderConfig, TokenEncoder } from './encoder';
import { initValues } from './initializers';
import { applyLayerNorm, createLayerNorm } from './layer-norm';
import { applyTransformerBlock, createTransformerBlock, type TransformerBlock } from './transformer-block';
import { createParamScope } from './param-scope';
import { repeatParameter } from './per-example-tape';
import { patchGrid, patchify } from './patchify';
import {
  checkChoice,
  checkInputShape,
  checkInt,
  checkName,
  checkNumber,
  checkPositiveInt,
  mergeOptions,
} from '../util/options';

/** Options of `vitEncoder`. */
export interface VitEncoderOptions {
  /** `[height, width, channels]`; sizes not divisible by `patchSize` are zero-padded. Default `[32, 32, 3]`. */
  readonly inputShape: readonly [number, number, number];
  /** Side of the square patches. Default 4 (64 tokens on 32x32). */
  readonly patchSize: number;
  /** Token width. Default 192 (ViT-tiny). */
  readonly dim: number;
  /** Transformer blocks. Default 12 (ViT-tiny). */
  readonly depth: number;
  /** Attention heads; must divide `dim`. Default 3 (ViT-tiny). */
  readonly heads: number;
  /** Hidden width of each block's MLP as a multiple of `dim`. Default 4. */
  readonly mlpRatio: number;
  /** Representation: the class token's output (`cls`) or the mean over patch tokens (`mean`). Default `cls`. */
  readonly pool: 'cls' | 'mean';
  /** Linear head on the pooled token, or `null` for none (outDim = dim). Default `null`. */
  readonly outDim: number | null;
  /** Dropout rate after the embedding, the attention projection and the MLP (training only). Default 0. */
  readonly dropout: number;
  /** Layer-norm epsilon. Default 1e-6. */
  readonly layerNormEpsilon: number;
  /** Seed of the initial weights and the dropout masks. Default 0. */
  readonly seed: number;
  /** Root of the variable names. Default `encoder`. */
  readonly name: string;
}

/** Defaults of `vitEncoder`: ViT-tiny (192-d, 12 blocks, 3 heads) with 4x4 patches on 32x32x3. */
export const defaultVitEncoderOptions: VitEncoderOptions = {
  inputShape: [32, 32, 3],
  patchSize: 4,
  dim: 192,
  depth: 12,
  heads: 3,
  mlpRatio: 4,
  pool: 'cls',
  outDim: null,
  dropout: 0,
  layerNormEpsilon: 1e-6,
  seed: 0,
  name: 'encoder',
};

/** Checks and fills in `vitEncoder` options; returns the config with `kind: 'vit'`. */
export function vitEncoderConfig(options: Partial<VitEncoderOptions> = {}): VitEncoderOptions & EncoderConfig {
  const where = 'vitEncoder options';
  const o = mergeOptions(defaultVitEncoderOptions, options, where, 'vit');
  const dim = checkPositiveInt(o.dim, `${where}.dim`);
  const heads = checkPositiveInt(o.heads, `${where}.heads`);
  if (dim % heads !== 0) throw new InputError(`${where}.heads`, `a divisor of dim ${dim}`, `${heads}`);
  const mlpRatio = checkNumber(o.mlpRatio, `${where}.mlpRatio`, { min: 0, minOpen: true });
  if (!Number.isInteger(mlpRatio * dim)) {
    throw new InputError(`${where}.mlpRatio`, `a ratio making mlpRatio * dim (${dim}) an integer`, `${mlpRatio}`);
  }
  return {
    kind: 'vit',
    inputShape: checkInputShape(o.inputShape, `${where}.inputShape`),
    patchSize: checkPositiveInt(o.patchSize, `${where}.patchSize`),
    dim,
    depth: checkPositiveInt(o.depth, `${where}.depth`),
    heads,
    mlpRatio,
    pool: checkChoice(o.pool, ['cls', 'mean'] as const, `${where}.pool`),
    outDim: o.outDim === null ? null : checkPositiveInt(o.outDim, `${where}.outDim`),
    dropout: checkNumber(o.dropout, `${where}.dropout`, { min: 0, max: 1, maxOpen: true }),
    layerNormEpsilon: checkNumber(o.layerNormEpsilon, `${where}.layerNormEpsilon`, { min: 0, minOpen: true }),
    seed: checkInt(o.seed, `${where}.seed`),
    name: checkName(o.name, `${where}.name`),
  };
}

/**
 * A Vision Transformer (Dosovitskiy et al. 2021), ViT-tiny style: patches (`patchify`)
 * -> dense patch embedding (equal to a conv with stride = patch) -> prepend a learned
 * class token (pool `cls`) -> add learned position embeddings -> `depth` pre-norm blocks
 * `x += MHSA(LN(x)); x += MLP(LN(x))` with a gelu MLP -> final LN -> class token or mean
 * of patch tokens `[batch, dim]` -> optional linear head `[batch, outDim]`.
 * Variables `encoder/patch/...`, `encoder/cls`, `encoder/pos`,
 * `encoder/block1/{norm1,attn/qkv,attn/proj,norm2,mlp/fc1,mlp/fc2}/...`, `encoder/norm/...`,
 * `encoder/head/...`. Layers for `applyLayers`: `embed`, `block1`, ..., `pool`, (`head`).
 * Dropout masks come from a stream seeded by `seed`, advanced by each training call.
 */
export function vitEncoder(options: Partial<VitEncoderOptions> = {}): Encoder {
  const config = vitEncoderConfig(options);
  const { dim, patchSize, heads } = config;
  const [height, width, channels] = config.inputShape;
  const grid = patchGrid(height, width, patchSize);
  const tokens = grid.tokens + (config.pool === 'cls' ? 1 : 0);
  const eps = config.layerNormEpsilon;
  const hiddenDim = Math.round(config.mlpRatio * dim);

  const scope = createParamScope(config.name, config.seed);
  const patch = createDense(scope.child('patch'), patchSize * patchSize * channels, dim);
  const cls =
    config.pool === 'cls'
      ? scope.variable('cls', [1, 1, dim], initValues('truncated-normal', dim, { fanIn: dim, fanOut: dim }, scope.rng.fork('cls')))
      : null;
  const pos = scope.variable(
    'pos',
    [1, tokens, dim],
    initValues('truncated-normal', tokens * dim, { fanIn: dim, fanOut: dim }, scope.rng.fork('pos')),
  );
  const blocks: TransformerBlock[] = [];
  for (let i = 0; i < config.depth; i++) blocks.push(createTransformerBlock(scope.child(`block${i + 1}`), dim, heads, hiddenDim, eps));
  const norm = createLayerNorm(scope.child('norm'), dim, { epsilon: eps });
  const head = config.outDim === null ? null : createDense(scope.child('head'), dim, config.outDim);
  const dropoutRng = createRng(config.seed).fork('dropout');

  const dropper = (training: boolean) => <T extends tf.Tensor>(t: T): T => (training && config.dropout > 0 ? dropout(t, config.dropout, dropoutRng) : t);
  const withClass = (x: tf.Tensor3D, batch: number): tf.Tensor3D => (cls ? tf.concat([tf.add(tf.zeros([batch, 1, dim]), repeatParameter(cls, batch)) as tf.Tensor3D, x], 1) : x);
  const runBlocks = (x: tf.Tensor3D, training: boolean, emit?: (name: string, t: tf.Tensor) => void): tf.Tensor3D => {
    const drop = dropper(training);
    blocks.forEach((block, i) => {
      x = applyTransformerBlock(block, x, drop);
      emit?.(`block${i + 1}`, x);
    });
    return applyLayerNorm(norm, x) as tf.Tensor3D;
  };
  const encoder = buildEncoder(
    config,
    config.outDim ?? dim,
    scope,
    (images, training, emit) => {
      const batch = images.shape[0];
      let x = withClass(applyDense(patch, patchify(images, patchSize)) as tf.Tensor3D, batch); // [batch, tokens, dim]
      x = dropper(training)(tf.add(x, repeatParameter(pos, batch)) as tf.Tensor3D);
      emit?.('embed', x);
      x = runBlocks(x, training, emit);
      let z: tf.Tensor2D =
        config.pool === 'cls'
          ? tf.reshape(tf.slice(x, [0, 0, 0], [batch, 1, dim]), [batch, dim])
          : tf.mean(x, 1);
      emit?.('pool', z);
      if (head) {
        z = applyDense(head, z) as tf.Tensor2D;
        emit?.('head', z);
      }
      return z;
    },
    'vitEncoder',
  );
  const patchTokens = cls ? 1 : 0;
  const tokenEncoder: TokenEncoder = {
    patchSize,
    grid,
    dim,
    encodeVisible: (images, visible, training) =>
      tf.tidy(() => {
        const batch = images.shape[0];
        const positions = repeatParameter(pos, batch); // [1 or batch, tokens, dim]
        const copies = positions.shape[0];
        const embedded = tf.add(applyDense(patch, patchify(images, patchSize)), tf.slice(positions, [0, patchTokens, 0], [copies, grid.tokens, dim])) as tf.Tensor3D;
        let x = tf.matMul(visible, embedded) as tf.Tensor3D; // [batch, keep, dim]
        if (cls) x = tf.concat([tf.add(tf.zeros([batch, 1, dim]), tf.add(repeatParameter(cls, batch), tf.slice(positions, [0, 0, 0], [copies, 1, dim]))) as tf.Tensor3D, x], 1);
        x = runBlocks(dropper(training)(x), training);
        return cls ? (tf.slice(x, [0, 1, 0], [batch, x.shape[1] - 1, dim]) as tf.Tensor3D) : x;
      }),
  };
  return { ...encoder, tokens: tokenEncoder };
}
