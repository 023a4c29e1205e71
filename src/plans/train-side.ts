import type { Encoder, EncoderConfig } from '../encoders/encoder';
import type { Objective, ObjectiveState } from '../methods/objective';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { ExperimentConfig, Side } from '../design/experiment-config';
import type { ExperimentData } from '../design/experiment-data';
import { sideJob, type TrainingJob } from './training-job';
import { trainJob, type TrainJobOptions } from './train-job';
import type { TrainedEncoder } from './trained-encoder';

export type { TrainedEncoder } from './trained-encoder';

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

/** Options of `trainSide` (those of `trainJob`). */
export type TrainSideOptions = TrainJobOptions;

/** The full encoder config of `config` for `seed` (input shape from the dataset). */
export function encoderConfigOf(config: ExperimentConfig, inputShape: readonly [number, number, number], seed: number): EncoderConfig {
  return { ...config.encoder, inputShape, seed };
}

/**
 * Trains one encoder of the SSLMem estimate: side `f` on `S_S + S_C`, side `g` on
 * `S_S + S_I` (the job `sideJob(config, side, seed)`, see `trainJob`).
 */
export function trainSide(config: ExperimentConfig, data: ExperimentData, side: Side, seed: number, options: TrainSideOptions = {}): Promise<TrainedEncoder> {
  return trainJob(sideJob(config, side, seed), data, options);
}
