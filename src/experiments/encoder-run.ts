import type { ExperimentConfig, Side } from './experiment-config';

/** The run-store kind under which trained encoders are kept. */
export const encoderRunKind = 'encoder';

/**
 * The part of an experiment config that determines one trained encoder (scoring and
 * probing settings are left out, so changing them reuses the encoders).
 */
export function encoderRunConfig(config: ExperimentConfig, side: Side, seed: number): Record<string, unknown> {
  const { dataset, split, encoder, objective, augment, train } = config;
  return { dataset, split, encoder, objective, augment, train, side, seed };
}
