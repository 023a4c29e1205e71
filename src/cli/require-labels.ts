import { datasetFactsOf } from '../design/dataset-facts-of';
import type { ExperimentConfig } from '../design/experiment-config';
import { InputError } from '../util/errors';

/** Refuses a flat (unlabelled) image folder for a command that needs labels, saying so. */
export function requireLabels(config: Pick<ExperimentConfig, 'dataset'>, command: string): void {
  if (config.dataset.name !== 'folder') return;
  if (datasetFactsOf(config.dataset)?.labelled === false) {
    throw new InputError(`${command} --data folder:${config.dataset.dir}`, `an image folder with one subfolder per class (${command} needs labels; SSL scores, sslmem score, work without)`, 'a flat folder of unlabelled images');
  }
}
