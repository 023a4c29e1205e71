import type { Rng } from '../util/rng';
import type { DpPlan } from './dp-options';
import type { TrainData } from './train-data';
import type { EpochRecord, TrainOptions } from './train-options';
import type { StepPosition, TrainingParts } from './train-step';

/**
 * How a training run draws its batches and takes a step: the part of `trainEncoder` that
 * differs between ordinary training (`plainStrategy`: shuffled batches, `trainStep`) and
 * DP-SGD (`privateStrategy`: Poisson batches, per-example clipping and noise, the epsilon
 * spent). The loop around it (epochs, learning rate schedule, NaN guard, history,
 * checkpoints, progress) is the same for both.
 */
export interface TrainingStrategy {
  /** Steps in one epoch. */
  readonly stepsPerEpoch: number;
  /**
   * The batches of epoch `epoch` (0-based), one per step, as indices into the data (a
   * batch may be empty under Poisson sampling). Every draw comes from a fork of `rng`,
   * the run's generator, named for its purpose, the epoch or the step.
   */
  batches(epoch: number, rng: Rng): Iterable<Int32Array>;
  /**
   * One step on the examples at `indices` with learning rate `lr`, its randomness from
   * `rng`; returns the batch's mean loss (NaN for an empty batch). A NaN or infinite loss
   * applies nothing; the loop decides what to do.
   */
  step(indices: Int32Array, rng: Rng, lr: number, position: StepPosition): number;
  /** History columns after `epochs` completed epochs beyond `epoch, loss, lr, seconds` (DP-SGD: `epsilon`). */
  afterEpoch?(epochs: number): Pick<EpochRecord, 'epsilon'>;
  /** Under DP-SGD: the plan it runs (noise multiplier, sample rate, steps, the epsilon of the whole run). */
  readonly privacy?: DpPlan;
}

/** What a strategy trains: the parts a step updates, the data, the resolved options. */
export interface StrategyRun {
  readonly parts: TrainingParts;
  readonly data: TrainData;
  readonly options: TrainOptions;
}
