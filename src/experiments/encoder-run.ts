import { runProvenance } from '../runs/provenance';
import { runKey } from '../runs/run-key';
import type { ExperimentConfig, Side } from './experiment-config';
import { resolveExperimentDp } from './privacy-config';

/** The run-store kind under which trained encoders are kept. */
export const encoderRunKind = 'encoder';

/** The library module that trains and stores encoders (its code is part of their run key). */
export const encoderRunModule = 'experiments/train-task';

/**
 * The run-store key of one trained encoder: the parts of an experiment config that
 * determine it (scoring and probing settings are left out, so changing them reuses the
 * encoders), DP-SGD settings with defaults filled in (when `config.dp` is set), its side and seed, and the provenance (library version, training code,
 * arithmetic of the backend `initBackend` chose).
 */
export function encoderRunConfig(config: ExperimentConfig, side: Side, seed: number): Record<string, unknown> {
  return { ...trainingFields(config), side, seed, provenance: runProvenance(encoderRunModule) };
}

/**
 * The parts of a config that determine how its encoders are trained: data, split, encoder,
 * objective, augmentation, training and, when set, DP-SGD (defaults filled in). Every run
 * key of something computed from the encoders starts from these.
 */
export function trainingFields(config: ExperimentConfig): Record<string, unknown> {
  const { dataset, split, encoder, objective, augment, train } = config;
  const dp = config.dp === undefined ? {} : { dp: resolveExperimentDp(config.dp) };
  return { dataset, split, encoder, objective, augment, train, ...dp };
}

/**
 * How many trained encoders two configs share (the same run key: same data, split, encoder,
 * objective, augmentation, training and seed on the same side). Notebooks use it to say
 * which of their encoders another notebook trained too.
 */
export function sharedEncoders(a: ExperimentConfig, b: ExperimentConfig): number {
  const keys = (c: ExperimentConfig) => new Set(c.seeds.flatMap((seed) => (['f', 'g'] as const).map((side) => runKey(encoderRunConfig(c, side, seed)))));
  const ka = keys(a);
  return [...keys(b)].filter((k) => ka.has(k)).length;
}
