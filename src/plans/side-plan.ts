import type { ExperimentConfig } from '../design/experiment-config';
import { sideJob, type TrainingPlan } from './training-job';

/** The SSLMem design of `config`: one f (`S_S + S_C`) and one g (`S_S + S_I`) per seed, in seed order. */
export function sidePlan(config: ExperimentConfig): TrainingPlan {
  return config.seeds.flatMap((seed) => [sideJob(config, 'f', seed), sideJob(config, 'g', seed)]);
}
