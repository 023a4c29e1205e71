import type { ColumnTable } from 'arquero';
import type { Encoder } from '../encoders/encoder';
import type { Objective, ObjectiveState } from '../methods/objective';
import { InputError } from '../util/errors';
import { createRng } from '../util/rng';
import { chanceLevelWatch } from './chance-level-watch';
import { saveCheckpoint } from './checkpoint';
import { checkpointPath } from './checkpoint-dir';
import { createOptimizer } from './create-optimizer';
import type { DpPlan } from './dp-options';
import { historyTable } from './history-table';
import { NonFiniteLossError } from './non-finite-loss-error';
import { plainStrategy } from './plain-strategy';
import { privateStrategy } from './private-strategy';
import { resumePoint } from './resume';
import { learningRateAt } from './schedule';
import { checkSlots, type TrainData } from './train-data';
import { optimizerConfigOf, resolveTrainOptions, serialisableTrainOptions, type TrainEncoderOptions } from './train-options';

/** What `trainEncoder` returns; encoder and objective state are trained in place. */
export interface TrainResult {
  /** One row per completed epoch: `epoch, loss, lr, seconds` (resumed epochs included), and `epsilon` under DP-SGD. */
  readonly history: ColumnTable;
  /** The trained objective state (`options.objectiveState` or a new one the caller now owns). */
  readonly objectiveState: ObjectiveState;
  /** Under DP-SGD: the plan it ran (noise multiplier, sample rate, steps, the epsilon of the whole run). */
  readonly privacy?: DpPlan;
}

/**
 * Trains `encoder` with an SSL `objective` on `data`. The strategy draws each epoch's
 * batches and takes each step: `plainStrategy` (a seeded permutation in batches,
 * `trainStep`), or with `options.dp` `privateStrategy` (DP-SGD: Poisson batches,
 * per-example clipping and noise, the epsilon spent after each epoch in the history).
 * Per step the loop sets the scheduled learning rate, stops on a NaN or infinite loss
 * and reports progress; per epoch it records the history, writes the checkpoint and
 * asks `onEpoch` whether to go on. Deterministic under `options.seed`: the strategy's
 * batches come from forks of the run's generator by epoch or step, a step's
 * augmentations and loss randomness from `fork('step').fork(globalStep)`, so resuming
 * from a checkpoint reproduces an uninterrupted run exactly.
 * @throws NonFiniteLossError when a loss is NaN/infinite (nothing applied, no checkpoint).
 */
export async function trainEncoder(encoder: Encoder, objective: Objective, data: TrainData, options: TrainEncoderOptions): Promise<TrainResult> {
  const o = resolveTrainOptions(options, data.size);
  if (objective.needsLabels && data.labels === undefined) {
    throw new InputError('trainEncoder data', `labels (objective "${objective.config.name}" trains on them)`, 'a data source without labels');
  }
  checkSlots(data, o.dp !== undefined);
  const rng = createRng(o.seed);
  const objectiveState = o.objectiveState ?? objective.init(encoder, rng.fork('objective'));
  const parts = { encoder, objective, objectiveState, optimizer: createOptimizer(optimizerConfigOf(o)) };
  try {
    const strategy = (o.dp === undefined ? plainStrategy : privateStrategy)({ parts, data, options: o });
    const { stepsPerEpoch } = strategy;
    const totalSteps = stepsPerEpoch * o.epochs;
    const schedule = { lr: o.lr, schedule: o.schedule, warmupSteps: Math.round(o.warmupEpochs * stepsPerEpoch), finalLr: o.finalLr };
    const watchChance = chanceLevelWatch(objective.chanceLoss?.(o.batchSize), o.onWarning);
    const { epoch: startEpoch, history } = await resumePoint(parts, o, data.size);
    for (let epoch = startEpoch; epoch < o.epochs; epoch++) {
      const started = performance.now();
      const losses: number[] = [];
      let lr = o.lr;
      let b = 0;
      for (const indices of strategy.batches(epoch, rng)) {
        const step = epoch * stepsPerEpoch + b++; // global and 0-based; b is now 1-based within the epoch
        lr = learningRateAt(step, totalSteps, schedule);
        const loss = strategy.step(indices, rng.fork('step').fork(step), lr, { step, totalSteps });
        if (indices.length > 0 && !Number.isFinite(loss)) throw new NonFiniteLossError(epoch + 1, b, stepsPerEpoch, loss);
        if (indices.length > 0) losses.push(loss);
        o.onStep?.({ epoch: epoch + 1, epochs: o.epochs, step: b, stepsPerEpoch, loss, lr });
      }
      const seconds = (performance.now() - started) / 1000;
      const record = { epoch: epoch + 1, loss: meanLoss(losses), lr, seconds, ...strategy.afterEpoch?.(epoch + 1) };
      history.push(record);
      watchChance(record);
      if (o.checkpointDir !== undefined && o.checkpointEpochs.includes(epoch + 1)) {
        const checkpoint = { ...parts, epoch: epoch + 1, seed: o.seed, dataSize: data.size, trainOptions: serialisableTrainOptions(o), history };
        await saveCheckpoint(checkpointPath(o.checkpointDir, epoch + 1), checkpoint);
      }
      if ((await o.onEpoch?.({ ...record, epochs: o.epochs })) === 'stop') break;
    }
    const result = { history: historyTable(history), objectiveState };
    return strategy.privacy === undefined ? result : { ...result, privacy: strategy.privacy };
  } catch (error) {
    if (o.objectiveState === undefined) objectiveState.dispose();
    throw error;
  } finally {
    parts.optimizer.dispose();
  }
}

/** The mean of an epoch's step losses, summed in step order (NaN for an epoch without a non-empty batch). */
function meanLoss(losses: readonly number[]): number {
  return losses.length > 0 ? losses.reduce((sum, loss) => sum + loss, 0) / losses.length : Number.NaN;
}
