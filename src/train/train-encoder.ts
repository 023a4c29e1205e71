import type { ColumnTable } from 'arquero';
import type { Encoder } from '../encoders/encoder';
import type { Objective, ObjectiveState } from '../methods/objective';
import { InputError } from '../util/errors';
import { createRng } from '../util/rng';
import { saveCheckpoint } from './checkpoint';
import { checkpointPath } from './checkpoint-dir';
import { createOptimizer } from './create-optimizer';
import { epsilonAfter, planDp, type DpPlan } from './dp-options';
import { dpTrainStep } from './dp-train-step';
import { historyTable } from './history-table';
import { NonFiniteLossError } from './non-finite-loss-error';
import { poissonBatch } from './poisson-batch';
import { resumeFromLatest } from './resume';
import { learningRateAt } from './schedule';
import type { TrainData } from './train-data';
import { resolveTrainOptions, serialisableTrainOptions, stepsPerEpochOf, type EpochRecord, type TrainEncoderOptions, type TrainWarning } from './train-options';
import { trainStep } from './train-step';

/** What `trainEncoder` returns; encoder and objective state are trained in place. */
export interface TrainResult {
  /** One row per completed epoch: `epoch, loss, lr, seconds` (resumed epochs included). */
  readonly history: ColumnTable;
  /** The trained objective state (`options.objectiveState` or a new one the caller now owns). */
  readonly objectiveState: ObjectiveState;
  /** Under DP-SGD: the plan it ran (noise multiplier, sample rate, steps, the epsilon of the whole run). */
  readonly privacy?: DpPlan;
}

/**
 * Trains `encoder` with an SSL `objective` on `data`: per epoch, a seeded permutation of
 * the images in batches; per step, `objective.numViews` augmented views, loss and
 * gradients, the optimizer update with the scheduled learning rate, and `afterStep`.
 * Deterministic under `options.seed`: batch order comes from `fork('order').fork(epoch)`,
 * a step's augmentations and loss randomness from `fork('step').fork(globalStep)`, so
 * resuming from a checkpoint reproduces an uninterrupted run exactly.
 *
 * With `options.dp` the steps are DP-SGD (`dpTrainStep`): under Poisson sampling each
 * step's batch draws every example with probability `batchSize / size` from
 * `fork('poisson').fork(globalStep)`, an epoch is `round(size / batchSize)` steps, and the
 * history records the epsilon spent after each epoch.
 * @throws NonFiniteLossError when a loss is NaN/infinite (nothing applied, no checkpoint).
 */
export async function trainEncoder(
  encoder: Encoder,
  objective: Objective,
  data: TrainData,
  options: TrainEncoderOptions,
): Promise<TrainResult> {
  const o = resolveTrainOptions(options, data.size);
  const rng = createRng(o.seed);
  const objectiveState = o.objectiveState ?? objective.init(encoder, rng.fork('objective'));
  const optimizer = createOptimizer(o.weightDecay === undefined ? o.optimizer : { ...o.optimizer, weightDecay: o.weightDecay });
  const parts = { encoder, objective, objectiveState, optimizer };
  const dp: DpPlan | undefined = o.dp === undefined ? undefined : planDp(o.dp, { dataSize: data.size, batchSize: o.batchSize, epochs: o.epochs, dropLast: o.dropLast });
  const stepsPerEpoch = dp?.stepsPerEpoch ?? stepsPerEpochOf(data.size, o.batchSize, o.dropLast);
  const totalSteps = stepsPerEpoch * o.epochs;
  const schedule = { lr: o.lr, schedule: o.schedule, warmupSteps: Math.round(o.warmupEpochs * stepsPerEpoch), finalLr: o.finalLr };
  const history: EpochRecord[] = [];
  if (objective.needsLabels && data.labels === undefined) {
    throw new InputError('trainEncoder data', `labels (objective "${objective.config.name}" trains on them)`, 'a data source without labels');
  }
  const watchChance = chanceLevelWatch(objective.chanceLoss?.(o.batchSize), o.onWarning);
  if (dp?.sampling === 'shuffle') {
    o.onWarning?.({
      epoch: 1,
      kind: 'dp-fixed-batches',
      message: `DP-SGD on shuffled batches of ${o.batchSize}: the epsilon reported (${dp.epsilon.toFixed(3)}) assumes Poisson sampling and is not a proven bound for fixed batches (dp.sampling "poisson" makes it one)`,
    });
  }
  let startEpoch = 0;
  let warnedMicrobatch = false;
  try {
    if (o.resume && o.checkpointDir !== undefined) {
      const run = { seed: o.seed, batchSize: o.batchSize, dropLast: o.dropLast, dataSize: data.size, epochs: o.epochs };
      const resumed = await resumeFromLatest(o.checkpointDir, parts, run, {
        onDamaged: (d) =>
          o.onWarning?.({
            epoch: d.epoch,
            kind: 'damaged-checkpoint',
            message: `checkpoint ${d.path} is damaged (${d.problem}); resuming from the sound checkpoint before it (or epoch 0) and writing it again`,
          }),
      });
      if (resumed !== undefined) {
        startEpoch = resumed.epoch;
        history.push(...resumed.history);
      }
    }
    for (let epoch = startEpoch; epoch < o.epochs; epoch++) {
      const started = performance.now();
      const order = rng.fork('order').fork(epoch).permutation(data.size);
      let lossSum = 0;
      let lossSteps = 0;
      let lr = o.lr;
      for (let b = 0; b < stepsPerEpoch; b++) {
        const step = epoch * stepsPerEpoch + b;
        lr = learningRateAt(step, totalSteps, schedule);
        const indices =
          dp?.sampling === 'poisson'
            ? poissonBatch(data.size, dp.sampleRate, rng.fork('poisson').fork(step))
            : order.subarray(b * o.batchSize, Math.min(data.size, (b + 1) * o.batchSize));
        const stepRng = rng.fork('step').fork(step);
        const batch = () => ({ images: data.batch(indices), labels: objective.needsLabels ? data.labels!(indices) : undefined });
        const position = { step, totalSteps };
        const { loss, examples, method } = dp
          ? dpTrainStep(parts, indices.length === 0 ? null : batch, o.augment, stepRng, lr, position, dp)
          : { loss: trainStep(parts, batch, o.augment, stepRng, lr, position), examples: indices.length, method: undefined };
        if (method === 'microbatch' && dp?.method === 'ghost' && !warnedMicrobatch) {
          warnedMicrobatch = true;
          o.onWarning?.({
            epoch: epoch + 1,
            kind: 'dp-microbatch',
            message: 'DP-SGD computes per-example gradients one example at a time: a trainable variable of the model is used outside the layers that record them (dense, conv, layer/group norm, attention, repeatParameter), so each step takes one backward pass per example',
          });
        }
        if (examples > 0 && !Number.isFinite(loss)) throw new NonFiniteLossError(epoch + 1, b + 1, stepsPerEpoch, loss);
        if (examples > 0) {
          lossSum += loss;
          lossSteps++;
        }
        o.onStep?.({ epoch: epoch + 1, epochs: o.epochs, step: b + 1, stepsPerEpoch, loss, lr });
      }
      const seconds = (performance.now() - started) / 1000;
      const mean = lossSteps > 0 ? lossSum / lossSteps : Number.NaN;
      const record = dp
        ? { epoch: epoch + 1, loss: mean, lr, seconds, epsilon: epsilonAfter(dp, (epoch + 1) * stepsPerEpoch) }
        : { epoch: epoch + 1, loss: mean, lr, seconds };
      history.push(record);
      watchChance(record);
      if (o.checkpointDir !== undefined && o.checkpointEpochs.includes(epoch + 1)) {
        await saveCheckpoint(checkpointPath(o.checkpointDir, epoch + 1), {
          ...parts,
          epoch: epoch + 1,
          seed: o.seed,
          dataSize: data.size,
          trainOptions: serialisableTrainOptions(o),
          history,
        });
      }
      if ((await o.onEpoch?.({ ...record, epochs: o.epochs })) === 'stop') break;
    }
  } catch (error) {
    if (o.objectiveState === undefined) objectiveState.dispose();
    throw error;
  } finally {
    optimizer.dispose();
  }
  return dp === undefined ? { history: historyTable(history), objectiveState } : { history: historyTable(history), objectiveState, privacy: dp };
}

/** Epochs in a row with the loss at chance level after which the trainer warns. */
export const chanceLevelEpochs = 5;

/**
 * Watches epoch losses and warns once when `chanceLevelEpochs` epochs in a row stay within
 * 0.5% of `chance` (the loss of an encoder that learnt nothing): collapsed or not learning.
 */
function chanceLevelWatch(chance: number | undefined, warn: ((w: TrainWarning) => void) | undefined): (record: EpochRecord) => void {
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
