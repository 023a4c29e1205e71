import { resolveEncoderConfig } from '../encoders/create-encoder';
import { createObjective } from '../methods/registry';
import type { DpSampling, DpTrainOptions } from '../train/dp-options';
import type { PerExampleMethod } from '../train/per-example-gradients';
import { InputError } from '../util/errors';
import { describeValue } from '../util/options';
import type { ObjectiveConfig } from '../methods/objective';

/**
 * DP-SGD in an experiment config (`config.dp`; absent: ordinary training). Give `epsilon`
 * (the noise is then derived from it and the planned steps) or `noise`.
 */
export interface ExperimentDp {
  /** Target epsilon of each encoder's whole training run. */
  readonly epsilon?: number;
  /** Delta of the guarantee. Default 1e-5. */
  readonly delta?: number;
  /** Per-example clipping norm. Default 1. */
  readonly clip?: number;
  /** Noise multiplier; when set it is used as given and `epsilon` is what it spends. */
  readonly noise?: number;
  /** `poisson` (default; what the accounting assumes) or `shuffle` (fixed batches, epsilon not a proven bound). */
  readonly sampling?: DpSampling;
  /** How per-example gradients are found. Default `ghost`. */
  readonly method?: PerExampleMethod;
}

/** Defaults of `config.dp`. */
export const defaultExperimentDp = { delta: 1e-5, clip: 1, sampling: 'poisson', method: 'ghost' } as const;

const dpFields = ['epsilon', 'delta', 'clip', 'noise', 'sampling', 'method'];

/** `config.dp` checked, with defaults filled in: the trainer's DP options. */
export function resolveExperimentDp(dp: unknown, where = 'experiment config.dp'): DpTrainOptions {
  if (typeof dp !== 'object' || dp === null || Array.isArray(dp)) throw new InputError(where, 'an object { epsilon, delta, clip, noise, sampling, method }', describeValue(dp));
  for (const key of Object.keys(dp)) if (!dpFields.includes(key)) throw new InputError(`${where}.${key}`, `one of the fields ${dpFields.join(', ')}`, 'an unknown field');
  const d = { ...defaultExperimentDp, ...(dp as ExperimentDp) };
  const positive = (v: unknown, field: string, allowZero = false): void => {
    if (v === undefined) return;
    if (!(typeof v === 'number' && Number.isFinite(v) && (allowZero ? v >= 0 : v > 0))) throw new InputError(`${where}.${field}`, `a finite number ${allowZero ? '>=' : '>'} 0`, describeValue(v));
  };
  positive(d.epsilon, 'epsilon');
  positive(d.noise, 'noise', true);
  positive(d.clip, 'clip');
  positive(d.delta, 'delta');
  if (d.delta >= 1) throw new InputError(`${where}.delta`, 'a number in (0, 1), well below 1 / (training set size)', String(d.delta));
  if (d.epsilon === undefined && d.noise === undefined) {
    throw new InputError(where, 'a target epsilon (dp.epsilon, e.g. 8) or a noise multiplier (dp.noise)', 'neither');
  }
  if (!['poisson', 'shuffle'].includes(d.sampling)) throw new InputError(`${where}.sampling`, '"poisson" or "shuffle"', describeValue(d.sampling));
  if (!['ghost', 'microbatch'].includes(d.method)) throw new InputError(`${where}.method`, '"ghost" or "microbatch"', describeValue(d.method));
  const out: DpTrainOptions = { clip: d.clip, delta: d.delta, sampling: d.sampling, method: d.method };
  return { ...out, ...(d.noise !== undefined ? { noise: d.noise } : { epsilon: d.epsilon }) };
}

/** What DP-SGD can train: named in every refusal. */
export const privateFrameworks =
  'mae (on a ViT, as in the paper), byol or simsiam with layer-norm heads and an encoder without batch norm, and supervised';

/** The parts of an experiment config that make the model: its encoder and objective. */
export interface ModelParts {
  readonly encoder: { readonly kind: string; readonly [field: string]: unknown };
  readonly objective: ObjectiveConfig;
}

/** A part of a config that uses batch norm, and the `--set` that replaces it. */
interface BatchNormUse {
  readonly field: string;
  readonly fix: string;
}

/** Where `config` puts batch norm: the encoder, and the objective's MLP heads. */
export function batchNormUses(config: ModelParts, inputShape: readonly [number, number, number]): BatchNormUse[] {
  const uses: BatchNormUse[] = [];
  const encoder = resolveEncoderConfig({ ...config.encoder, inputShape, seed: 0 }) as { kind: string; norm?: string; batchNorm?: boolean };
  if (encoder.norm === 'batch' && encoder.batchNorm !== false) {
    uses.push({ field: 'encoder', fix: `encoder.norm=${encoder.kind === 'mlp' ? 'layer' : 'group'}` });
  }
  const objective = createObjective(config.objective).config as Record<string, unknown>;
  for (const [field, value] of Object.entries(objective)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    const head = value as { batchNorm?: boolean; outputBatchNorm?: boolean; norm?: string };
    if ((head.batchNorm === true || head.outputBatchNorm === true) && (head.norm ?? 'batch') === 'batch') {
      uses.push({ field: `objective.${field}`, fix: `objective.${field}.norm=layer` });
    }
  }
  return uses;
}

/**
 * Throws unless `config` can be trained with DP-SGD: an objective whose loss is a mean of
 * per-example terms (`Objective.batchCoupling` absent) and no batch norm anywhere. The
 * errors say why and what works.
 */
export function checkPrivateTraining(config: ModelParts, inputShape: readonly [number, number, number], where: string): void {
  const objective = createObjective(config.objective);
  if (objective.batchCoupling !== undefined) {
    throw new InputError(
      `${where}.objective`,
      `an objective DP-SGD can train: ${privateFrameworks}`,
      `"${config.objective.name}", whose loss couples the examples of a batch (${objective.batchCoupling}), so clipping one example's gradient does not bound its influence`,
    );
  }
  const uses = batchNormUses(config, inputShape);
  if (uses.length > 0) {
    throw new InputError(
      `${where}.${uses[0].field}`,
      `no batch norm under DP-SGD (its batch statistics mix the examples; layer or group norm keep them apart): ${uses.map((u) => `--set ${u.fix}`).join(' ')}, or withPrivacy(config, dp), which switches them`,
      `batch norm in ${uses.map((u) => u.field).join(' and ')}`,
    );
  }
}

/**
 * `config` trained with DP-SGD (`dp`): batch norm in the encoder (group norm for conv
 * encoders, layer norm for MLPs) and in the objective's heads (layer norm) is switched to
 * per-example norms; an objective that couples the examples of a batch (SimCLR, VICReg,
 * DINO) is refused. The result is validated by the caller's `withOverrides` or
 * `validateExperimentConfig`.
 */
export function privateParts(config: ModelParts, inputShape: readonly [number, number, number]): ModelParts {
  let encoder = config.encoder;
  let objective = config.objective;
  for (const use of batchNormUses(config, inputShape)) {
    const [path, value] = use.fix.split('=');
    const keys = path.split('.');
    if (keys[0] === 'encoder') encoder = { ...encoder, norm: value };
    else {
      const head = (createObjective(objective).config as Record<string, unknown>)[keys[1]] as Record<string, unknown>;
      objective = { ...objective, [keys[1]]: { ...head, norm: value } };
    }
  }
  return { encoder, objective };
}
