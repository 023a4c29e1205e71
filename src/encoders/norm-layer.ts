import type * as tf from '@tensorflow/tfjs-core';
import { applyBatchNorm, createBatchNorm } from './batch-norm';
import { applyGroupNorm, createGroupNorm, groupsFor } from './group-norm';
import type { ParamScope } from './param-scope';

/**
 * Kinds of normalisation layer: `batch` (statistics over the batch, running averages for
 * eval), `group` (per example over groups of channels) and `layer` (per example over all
 * of a layer's values: group norm with one group). Only `group` and `layer` keep the
 * examples apart, as DP-SGD needs.
 */
export const normKinds = ['batch', 'group', 'layer'] as const;
export type NormKind = (typeof normKinds)[number];

/** Settings of `createNorm`. */
export interface NormSettings {
  /** Batch-norm momentum (weight of the old running value). */
  readonly momentum?: number;
  /** Groups of group norm (the largest divisor of the channels up to this). Default 8. */
  readonly groups?: number;
}

/** A normalisation layer of any kind: `apply(x, training)` over `[batch, ..., channels]`. */
export interface NormLayer {
  readonly kind: NormKind;
  apply<T extends tf.Tensor>(x: T, training: boolean): T;
}

/** Creates a `kind` norm layer of `channels` channels under `scope` (`gamma`, `beta`, and batch norm's running statistics). */
export function createNorm(scope: ParamScope, channels: number, kind: NormKind, settings: NormSettings = {}): NormLayer {
  if (kind === 'batch') {
    const bn = createBatchNorm(scope, channels, settings.momentum === undefined ? {} : { momentum: settings.momentum });
    return { kind, apply: (x, training) => applyBatchNorm(bn, x, training) };
  }
  const gn = createGroupNorm(scope, channels, { groups: kind === 'layer' ? 1 : groupsFor(channels, settings.groups ?? 8) });
  return { kind, apply: (x) => applyGroupNorm(gn, x) };
}

/** The scope name of the `index`-th norm layer: `bn<i>` for batch norm (the names checkpoints know), `norm<i>` otherwise. */
export function normScopeName(kind: NormKind, index: number | ''): string {
  return `${kind === 'batch' ? 'bn' : 'norm'}${index}`;
}
