import type { ExperimentConfig } from './experiment-config';

/** The epochs a config keeps checkpoints of: `train.checkpointEpochs` and the last epoch, ascending. */
export function checkpointEpochsOf(config: Pick<ExperimentConfig, 'train'>): number[] {
  return [...new Set([...config.train.checkpointEpochs, config.train.epochs])].sort((a, b) => a - b);
}
