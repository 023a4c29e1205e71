import { noiseForEpsilon, privacySpent } from '../privacy/privacy-spent';
import { InputError } from '../util/errors';
import { resolveOptions, rule, type OptionRules } from '../util/options';
import { trainRule } from './option-rules';
import type { PerExampleMethod } from './per-example-gradients';

/** How DP-SGD batches are drawn. */
export type DpSampling = 'poisson' | 'shuffle';

/**
 * DP-SGD settings of a training run (Abadi et al. 2016): every example's gradient clipped
 * to L2 norm `clip`, Gaussian noise of std `noise * clip` on the sum, division by the
 * expected batch size. Give the noise multiplier, or a target `epsilon` from which the
 * smallest noise that meets it over the planned steps is derived.
 */
export interface DpTrainOptions {
  /** Per-example clipping norm C. */
  readonly clip: number;
  /** Noise multiplier sigma; absent: derived from `epsilon`. */
  readonly noise?: number;
  /** Target epsilon of the whole run (used when `noise` is absent). */
  readonly epsilon?: number;
  /** Delta of the (epsilon, delta) guarantee. */
  readonly delta: number;
  /**
   * `poisson`: every example joins each batch with probability `batchSize / dataSize`
   * (what the accounting assumes); `shuffle`: fixed-size batches of a permutation, whose
   * epsilon is then not a proven bound (the trainer warns).
   */
  readonly sampling: DpSampling;
  /** How per-example gradients are found (`ghost`, falling back to `microbatch` where a layer does not record). */
  readonly method: PerExampleMethod;
}

/** A DP-SGD run as planned: the settings, the sample rate, the noise and the steps. */
export interface DpPlan {
  readonly clip: number;
  readonly noise: number;
  readonly delta: number;
  readonly sampling: DpSampling;
  readonly method: PerExampleMethod;
  /** Probability that an example is in a batch, `batchSize / dataSize`. */
  readonly sampleRate: number;
  /** What the noisy sum is divided by: `batchSize` (the expected batch size). */
  readonly expectedBatchSize: number;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  /** The epsilon the whole run spends (at most the target, when one was given). */
  readonly epsilon: number;
}

/** `DpTrainOptions` with nothing given: every field but `noise` and `epsilon` (one of which is needed) must be set. */
const unsetDpTrainOptions = { clip: undefined, noise: undefined, epsilon: undefined, delta: undefined, sampling: undefined, method: undefined } as unknown as DpTrainOptions;

/** The rule of every field of `DpTrainOptions`. */
const dpTrainRules: OptionRules<DpTrainOptions> = {
  clip: rule.number({ min: 0, minOpen: true }),
  noise: trainRule.optional(rule.number({ min: 0 })),
  epsilon: trainRule.optional(rule.number({ min: 0, minOpen: true })),
  delta: rule.number({ min: 0, minOpen: true }),
  sampling: rule.choice(['poisson', 'shuffle']),
  method: rule.choice(['ghost', 'microbatch']),
};

/** The epsilon spent after `steps` steps of a plan (Infinity without noise). */
export function epsilonAfter(plan: Pick<DpPlan, 'noise' | 'sampleRate' | 'delta'>, steps: number): number {
  if (steps === 0) return 0;
  if (plan.noise === 0) return Infinity;
  return privacySpent({ noise: plan.noise, sampleRate: plan.sampleRate, steps, delta: plan.delta }).epsilon;
}

/**
 * Checks DP-SGD settings and plans the run for `dataSize` examples in batches of
 * `batchSize` over `epochs` epochs: under Poisson sampling an epoch is
 * `round(dataSize / batchSize)` steps (one pass in expectation); the noise is the given
 * one or the smallest that keeps epsilon at or below the target.
 */
export function planDp(dp: DpTrainOptions, run: { dataSize: number; batchSize: number; epochs: number; dropLast: boolean }, where = 'train options.dp'): DpPlan {
  const { clip, noise: givenNoise, epsilon: target, delta, sampling, method } = resolveOptions(unsetDpTrainOptions, dpTrainRules, dp, where);
  if (delta >= 1) throw new InputError(`${where}.delta`, 'a number in (0, 1), well below 1 / dataSize', String(delta));
  const sampleRate = Math.min(1, run.batchSize / run.dataSize);
  const stepsPerEpoch = sampling === 'poisson' ? Math.max(1, Math.round(run.dataSize / run.batchSize)) : run.dropLast ? Math.floor(run.dataSize / run.batchSize) : Math.ceil(run.dataSize / run.batchSize);
  const totalSteps = stepsPerEpoch * run.epochs;
  let noise: number;
  if (givenNoise !== undefined) noise = givenNoise;
  else if (target !== undefined) noise = totalSteps === 0 ? 0 : noiseForEpsilon({ targetEpsilon: target, sampleRate, steps: totalSteps, delta }).noise;
  else throw new InputError(where, 'a noise multiplier (noise) or a target epsilon (epsilon)', 'neither');
  const base = { clip, noise, delta, sampling, method, sampleRate, expectedBatchSize: run.batchSize, stepsPerEpoch, totalSteps };
  return { ...base, epsilon: epsilonAfter(base, totalSteps) };
}
