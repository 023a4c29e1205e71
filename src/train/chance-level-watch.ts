import type { EpochRecord, TrainWarning } from './train-options';

/** Epochs in a row with the loss at chance level after which the trainer warns. */
export const chanceLevelEpochs = 5;

/**
 * Watches epoch losses and warns once when `chanceLevelEpochs` epochs in a row stay within
 * 0.5% of `chance` (the loss of an encoder that learnt nothing): collapsed or not learning.
 */
export function chanceLevelWatch(chance: number | undefined, warn: ((w: TrainWarning) => void) | undefined): (record: EpochRecord) => void {
  let run = 0;
  let warned = false;
  return (record) => {
    if (chance === undefined || warn === undefined || warned) return;
    run = Math.abs(record.loss - chance) <= 0.005 * Math.abs(chance) ? run + 1 : 0;
    if (run < chanceLevelEpochs) return;
    warned = true;
    warn({
      epoch: record.epoch,
      kind: 'chance-level',
      message:
        `the loss has stayed at chance level (${record.loss.toFixed(4)}, chance ${chance.toFixed(4)}) for ${run} epochs up to epoch ${record.epoch}: ` +
        'the encoder is not learning (collapsed representation, a learning rate too high or too low, or augmentations that destroy the images)',
    });
  };
}
