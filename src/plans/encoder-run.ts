import { runKey } from '../runs/run-key';
import { jobRunConfig } from './job-key';
import { sideJob } from './training-job';
import type { ExperimentConfig, Side } from '../design/experiment-config';
import { resolveExperimentDp } from '../design/privacy-config';

export { encoderRunKind, encoderRunModule } from './job-key';

/**
 * The run-store key record of one trained encoder of `config`'s SSLMem design (the job
 * `sideJob(config, side, seed)`, see `jobRunConfig`): scoring and probing settings are
 * left out, so changing them reuses the encoders.
 */
export function encoderRunConfig(config: ExperimentConfig, side: Side, seed: number): Record<string, unknown> {
  return jobRunConfig(sideJob(config, side, seed));
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
