import { InputError } from '../util/errors';
import { epsilonAfter, planDp } from './dp-options';
import { dpTrainStep } from './dp-train-step';
import { poissonBatches, shuffledBatches } from './epoch-batches';
import { batchOf } from './train-data';
import type { StrategyRun, TrainingStrategy } from './training-strategy';

/**
 * DP-SGD (Abadi et al. 2016) as a training strategy, planned by `planDp` from
 * `options.dp`: under Poisson sampling each step's batch draws every example with
 * probability `batchSize / size` (`poissonBatches`) and an epoch is
 * `round(size / batchSize)` steps; each step clips every example's gradient, adds
 * Gaussian noise and divides by the expected batch size (`dpTrainStep`); after each epoch
 * the history records the epsilon spent so far. Warns (`options.onWarning`) when the
 * batches are shuffled instead (the epsilon is then not a proven bound) and, once, when
 * per-example gradients fall back to one backward pass per example.
 */
export function privateStrategy({ parts, data, options }: StrategyRun): TrainingStrategy {
  const { batchSize, dropLast, epochs, augment, onWarning, dp } = options;
  if (dp === undefined) throw new InputError('privateStrategy options.dp', 'DP-SGD settings', 'undefined');
  const plan = planDp(dp, { dataSize: data.size, batchSize, epochs, dropLast });
  const { stepsPerEpoch, sampling } = plan;
  if (sampling === 'shuffle') {
    onWarning?.({
      epoch: 1,
      kind: 'dp-fixed-batches',
      message: `DP-SGD on shuffled batches of ${batchSize}: the epsilon reported (${plan.epsilon.toFixed(3)}) assumes Poisson sampling and is not a proven bound for fixed batches (dp.sampling "poisson" makes it one)`,
    });
  }
  const withLabels = Boolean(parts.objective.needsLabels);
  let warnedMicrobatch = false;
  return {
    stepsPerEpoch,
    privacy: plan,
    batches: (epoch, rng) =>
      sampling === 'poisson'
        ? poissonBatches(data.size, plan.sampleRate, stepsPerEpoch, epoch, rng)
        : shuffledBatches(data.size, batchSize, stepsPerEpoch, epoch, rng),
    step: (indices, rng, lr, position) => {
      const batch = indices.length === 0 ? null : () => batchOf(data, indices, withLabels);
      const { loss, method } = dpTrainStep(parts, batch, augment, rng, lr, position, plan);
      if (method === 'microbatch' && plan.method === 'ghost' && !warnedMicrobatch) {
        warnedMicrobatch = true;
        onWarning?.({
          epoch: Math.floor(position.step / stepsPerEpoch) + 1,
          kind: 'dp-microbatch',
          message: 'DP-SGD computes per-example gradients one example at a time: a trainable variable of the model is used outside the layers that record them (dense, conv, layer/group norm, attention, repeatParameter), so each step takes one backward pass per example',
        });
      }
      return loss;
    },
    afterEpoch: (epochsDone) => ({ epsilon: epsilonAfter(plan, epochsDone * stepsPerEpoch) }),
  };
}
