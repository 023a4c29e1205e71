import { runProvenance } from '../runs/provenance';
import { runKey } from '../runs/run-key';
import type { ExperimentConfig, Side } from './experiment-config';

/** The run-store kind under which trained encoders are kept. */
export const encoderRunKind = 'encoder';

/** The library module that trains and stores encoders (its code is part of their run key). */
export const encoderRunModule = 'experiments/train-task';

/**
 * The run-store key of one trained encoder: the parts of an experiment config that
 * determine it (scoring and probing settings are left out, so changing them reuses the
 * encoders), its side and seed, and the provenance (library version, training code,
 * arithmetic of the backend `initBackend` chose).
 */
export function encoderRunConfig(config: ExperimentConfig, side: Side, seed: number): Record<string, unknown> {
  const { dataset, split, encoder, objective, augment, train } = config;
  return { dataset, split, encoder, objective, augment, train, side, seed, provenance: runProvenance(encoderRunModule) };
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
