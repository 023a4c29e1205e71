import { augmentationFromConfig } from '../augment/augmentation-from-config';
import { createEncoder } from '../encoders/create-encoder';
import type { Encoder, EncoderConfig } from '../encoders/encoder';
import { createObjective } from '../methods/registry';
import type { Objective, ObjectiveState } from '../methods/objective';
import type { EpochInfo, StepInfo, TrainWarning } from '../train/train-options';
import { trainEncoder } from '../train/train-encoder';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { checkpointEpochsOf } from './checkpoint-epochs';
import type { ExperimentConfig, Side } from './experiment-config';
import { trainingSource, type ExperimentData } from './experiment-data';
import { resolveExperimentDp } from './privacy-config';

/** An encoder trained by one side of an experiment, with its objective state (projector). */
export interface TrainedEncoder {
  readonly side: Side;
  readonly seed: number;
  readonly encoder: Encoder;
  readonly objective: Objective;
  readonly objectiveState: ObjectiveState;
  /** Training history: `epoch, loss, lr, seconds` (and `epsilon` under DP-SGD). */
  readonly history: ColumnTable;
  dispose(): void;
}

/** The epsilon an encoder trained with DP-SGD spent (its history's last epoch), or `undefined` without DP. */
export function epsilonSpent(model: Pick<TrainedEncoder, 'history'>): number | undefined {
  if (!model.history.columnNames().includes('epsilon') || model.history.numRows() === 0) return undefined;
  const value = model.history.get('epsilon', model.history.numRows() - 1) as number | string | null;
  return value === null ? Infinity : Number(value);
}

/** The mean training loss an encoder's history records for `epoch` (1-based). */
export function lossAtEpoch(model: Pick<TrainedEncoder, 'history'>, epoch: number): number {
  return model.history.filter(aq.escape((d: { epoch: number }) => d.epoch === epoch)).get('loss', 0) as number;
}

/** Options of `trainSide`. */
export interface TrainSideOptions {
  /** Folder for the checkpoints (`train.checkpointEpochs` and the last epoch); resumes from it. */
  checkpointDir?: string;
  onStep?: (info: StepInfo) => void;
  onEpoch?: (info: EpochInfo) => void;
  onWarning?: (warning: TrainWarning) => void;
}

/** The full encoder config of `config` for `seed` (input shape from the dataset). */
export function encoderConfigOf(config: ExperimentConfig, inputShape: readonly [number, number, number], seed: number): EncoderConfig {
  return { ...config.encoder, inputShape, seed };
}

/**
 * Trains one encoder of the SSLMem estimate: side `f` on `S_S + S_C`, side `g` on
 * `S_S + S_I`, with the experiment's encoder, objective, augmentation and training
 * settings. f and g of the same `seed` start from the same weights and draw the same
 * batch-order and augmentation streams, so they differ only by the data.
 */
export async function trainSide(
  config: ExperimentConfig,
  data: ExperimentData,
  side: Side,
  seed: number,
  options: TrainSideOptions = {},
): Promise<TrainedEncoder> {
  const encoder = createEncoder(encoderConfigOf(config, data.pair.train.shape, seed));
  const objective = createObjective(config.objective);
  try {
    const epochs = config.train.epochs;
    const checkpointEpochs = options.checkpointDir === undefined ? [] : checkpointEpochsOf(config);
    const { history, objectiveState } = await trainEncoder(encoder, objective, trainingSource(data, side), {
      epochs,
      batchSize: config.train.batchSize,
      optimizer: config.train.optimizer,
      lr: config.train.lr,
      schedule: config.train.schedule,
      warmupEpochs: config.train.warmupEpochs,
      seed,
      augment: augmentationFromConfig(config.augment),
      checkpointDir: options.checkpointDir,
      checkpointEpochs,
      resume: options.checkpointDir !== undefined,
      onStep: options.onStep,
      onEpoch: options.onEpoch,
      onWarning: options.onWarning,
      dp: config.dp === undefined ? undefined : resolveExperimentDp(config.dp),
    });
    return {
      side,
      seed,
      encoder,
      objective,
      objectiveState,
      history,
      dispose: () => {
        objectiveState.dispose();
        encoder.dispose();
      },
    };
  } catch (error) {
    encoder.dispose();
    throw error;
  }
}
