import { InputError } from '../util/errors';
import { normalQuantile, studentTQuantile } from './distribution-quantiles';
import { measurementsFor, spearmanBrown } from './score-reliability';
import { noncentralTCdf, noncentralTSf } from './noncentral-t';

// "What it would take": from a study's own measurements (an effect, its spread, a reliability),
// the number of seeds at which its claim would reach p < alpha with a given power, and the cost.

/** Planning defaults: the level a claim is tested at and the power a plan aims for. */
export const defaultProjectionOptions = { alpha: 0.01, power: 0.8, maxSeeds: 10000 } as const;

function finite(value: number, where: string, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InputError(`${where}: ${field}`, 'a finite number', String(value));
  return value;
}

function levels(options: { alpha?: number; power?: number; maxSeeds?: number }, where: string, minSeeds: number) {
  const alpha = options.alpha ?? defaultProjectionOptions.alpha;
  const power = options.power ?? defaultProjectionOptions.power;
  const maxSeeds = options.maxSeeds ?? defaultProjectionOptions.maxSeeds;
  if (!(alpha > 0 && alpha < 1)) throw new InputError(`${where}: alpha`, 'a significance level in (0, 1)', String(alpha));
  if (!(power > 0 && power < 1)) throw new InputError(`${where}: power`, 'a power in (0, 1)', String(power));
  if (!(Number.isInteger(maxSeeds) && maxSeeds >= minSeeds)) throw new InputError(`${where}: maxSeeds`, `an integer >= ${minSeeds}`, String(maxSeeds));
  return { alpha, power, maxSeeds };
}

/** What `pairedTestPower` takes. */
export interface PairedTestPowerInput {
  /** Mean of the per-seed differences (e.g. memorized minus random accuracy, one difference per seed). */
  readonly meanDifference: number;
  /** Standard deviation of the per-seed differences (n - 1 denominator), > 0. */
  readonly sdDifference: number;
  /** Seeds (pairs) n >= 2. */
  readonly seeds: number;
  /** Two-sided significance level (default 0.01). */
  readonly alpha?: number;
}

/**
 * Power of a two-sided paired t-test over `seeds` pairs whose differences have mean
 * `meanDifference` and standard deviation `sdDifference`: P(|T'| > t_{1-alpha/2, n-1}) for the
 * noncentral t T' with n - 1 degrees of freedom and noncentrality `sqrt(n) d / sd` (exact up to
 * the integration, about 1e-7; both tails counted). Treats the measured mean and sd as the truth.
 * @throws InputError for non-finite inputs, sd <= 0, seeds not an integer >= 2, alpha outside (0, 1).
 */
export function pairedTestPower(input: PairedTestPowerInput): number {
  const where = 'stats/pairedTestPower';
  const d = finite(input.meanDifference, where, 'meanDifference');
  const sd = finite(input.sdDifference, where, 'sdDifference');
  if (!(sd > 0)) throw new InputError(`${where}: sdDifference`, 'a standard deviation > 0', String(sd));
  const n = input.seeds;
  if (!(Number.isInteger(n) && n >= 2)) throw new InputError(`${where}: seeds`, 'an integer >= 2', String(n));
  const alpha = input.alpha ?? defaultProjectionOptions.alpha;
  if (!(alpha > 0 && alpha < 1)) throw new InputError(`${where}: alpha`, 'a significance level in (0, 1)', String(alpha));
  return tTestPower(Math.abs(d) / sd, n, alpha);
}

function tTestPower(effect: number, n: number, alpha: number): number {
  const critical = studentTQuantile(1 - alpha / 2, n - 1);
  const ncp = Math.sqrt(n) * effect;
  return noncentralTSf(critical, n - 1, ncp) + noncentralTCdf(-critical, n - 1, ncp);
}

/** What `pairedSeedsFor` takes. */
export interface PairedSeedsInput {
  /** Mean of the measured per-seed differences. */
  readonly meanDifference: number;
  /** Standard deviation of the measured per-seed differences (n - 1 denominator), > 0. */
  readonly sdDifference: number;
  /** Two-sided significance level the claim is to reach (default 0.01). */
  readonly alpha?: number;
  /** Probability of reaching it if the measured effect is the true one, in (0, 1) (default 0.8). */
  readonly power?: number;
  /** The largest number of seeds considered (default 10000); beyond it the answer is Infinity. */
  readonly maxSeeds?: number;
}

/**
 * The number of seeds at which a paired t-test over seeds would show the measured effect:
 * the smallest n >= 2 whose `pairedTestPower` (the noncentral t, not the normal-shift
 * shortcut `sqrt(n) |d| / sd >= t_{1-alpha/2, n-1} + t_{power, n-1}`, which errs by up to 0.05
 * in power at the few seeds a laptop affords) reaches `power`. Treats the measured mean and
 * sd as the truth: with few seeds measured, the answer is itself uncertain. Infinity when
 * `meanDifference` is 0 or no n up to `maxSeeds` suffices.
 * E.g. d / sd = 0.5 at alpha 0.05 and power 0.8 needs 34 pairs, d / sd = 1 needs 10.
 * @throws InputError for non-finite inputs, sd <= 0, alpha or power outside (0, 1),
 *   maxSeeds not an integer >= 2.
 */
export function pairedSeedsFor(input: PairedSeedsInput): number {
  const where = 'stats/pairedSeedsFor';
  const d = finite(input.meanDifference, where, 'meanDifference');
  const sd = finite(input.sdDifference, where, 'sdDifference');
  if (!(sd > 0)) throw new InputError(`${where}: sdDifference`, 'a standard deviation > 0', String(sd));
  const { alpha, power, maxSeeds } = levels(input, where, 2);
  if (d === 0) return Infinity;
  const effect = Math.abs(d) / sd;
  // The power of the t-test grows with n: search by halving.
  const enough = (n: number) => tTestPower(effect, n, alpha) >= power;
  if (!enough(maxSeeds)) return Infinity;
  let lo = 1;
  let hi = maxSeeds;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (enough(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** What `correlationSeedsFor` takes. */
export interface CorrelationSeedsInput {
  /** The measured correlation of a K-seed mean score with a fixed per-point quantity (e.g. atypicality). */
  readonly observed: number;
  /** Points the correlation is computed over (> 3). */
  readonly points: number;
  /** Reliability of the K-seed mean score, in (0, 1] (e.g. `scoreReliability(perSeed).reliability`). */
  readonly reliability: number;
  /** The seeds K the score was averaged over (and `reliability` measured at). */
  readonly seeds: number;
  /** Two-sided significance level (default 0.01). */
  readonly alpha?: number;
  /** Power in (0, 1) (default 0.8). */
  readonly power?: number;
  /** The largest number of seeds considered (default 10000). */
  readonly maxSeeds?: number;
}

/** What `correlationSeedsFor` returns. */
export interface CorrelationSeeds {
  /** The smallest K' (>= 1, may be below `seeds`) with enough power; Infinity if none up to `maxSeeds` (or none at all). */
  readonly seeds: number;
  /** The correlation projected at K' (at `seeds: Infinity`, the ceiling). */
  readonly projected: number;
  /** The correlation required: `tanh((z_{1-alpha/2} + z_power) / sqrt(points - 3))`, with the sign of `observed`. */
  readonly required: number;
  /** The correlation at perfect reliability, `observed / sqrt(reliability)`. */
  readonly ceiling: number;
  /** Between-seed correlation of single-seed scores implied by `reliability` at `seeds` (Spearman-Brown inverted). */
  readonly singleSeed: number;
  /**
   * `|ceiling| > 1`: the measured correlation is larger than the measured reliability allows
   * (sampling noise); the projection is reported unclamped and is not to be trusted.
   */
  readonly exceedsOne: boolean;
}

/**
 * The number of seeds at which a correlation between a K-seed mean score and a fixed
 * per-point quantity would be significant. Noise of the training runs attenuates the
 * correlation by `sqrt(rel(K))`; with K' seeds it grows to `observed sqrt(rel(K') / rel(K))`,
 * where rel follows Spearman-Brown from the single-seed correlation
 * `r1 = rel / (K - (K - 1) rel)`. K' is the smallest count whose projected correlation over
 * `points` points reaches p < alpha with the given power by Fisher's z,
 * `atanh(|r|) sqrt(points - 3) >= z_{1-alpha/2} + z_power` (the usual large-sample planning
 * formula; it assumes the quantity itself is measured without noise).
 * @throws InputError for non-finite inputs, observed outside [-1, 1], points not an integer > 3,
 *   reliability outside (0, 1], seeds not an integer >= 1, alpha or power out of range.
 */
export function correlationSeedsFor(input: CorrelationSeedsInput): CorrelationSeeds {
  const where = 'stats/correlationSeedsFor';
  const observed = finite(input.observed, where, 'observed');
  if (Math.abs(observed) > 1) throw new InputError(`${where}: observed`, 'a correlation in [-1, 1]', String(observed));
  const { points, seeds } = input;
  if (!(Number.isInteger(points) && points > 3)) throw new InputError(`${where}: points`, 'an integer > 3', String(points));
  const reliability = finite(input.reliability, where, 'reliability');
  if (!(reliability > 0 && reliability <= 1)) throw new InputError(`${where}: reliability`, 'a reliability in (0, 1] (at or below 0 the score is noise)', String(reliability));
  if (!(Number.isInteger(seeds) && seeds >= 1)) throw new InputError(`${where}: seeds`, 'an integer >= 1', String(seeds));
  const { alpha, power, maxSeeds } = levels(input, where, 1);

  const singleSeed = reliability / (seeds - (seeds - 1) * reliability);
  const ceiling = observed / Math.sqrt(reliability);
  const sign = observed < 0 ? -1 : 1;
  const required = sign * Math.tanh((normalQuantile(1 - alpha / 2) + normalQuantile(power)) / Math.sqrt(points - 3));
  const projectedAt = (k: number) => observed * Math.sqrt(spearmanBrown(singleSeed, k) / reliability);
  // The reliability at which the projected correlation reaches the required one.
  const target = observed === 0 ? Infinity : reliability * (required / observed) ** 2;
  let k = target > 1 ? Infinity : measurementsFor(singleSeed, target);
  if (k > maxSeeds) k = Infinity;
  return { seeds: k, projected: k === Infinity ? ceiling : projectedAt(k), required, ceiling, singleSeed, exceedsOne: Math.abs(ceiling) > 1 };
}

/** What `runCost` takes. */
export interface RunCostInput {
  /** Independent jobs (trainings) to run: an integer >= 0, or Infinity (then the cost is Infinity). */
  readonly jobs: number;
  /** Seconds one job takes on one worker (measured on this machine). */
  readonly secondsPerJob: number;
  /** Workers running jobs side by side (default 1), e.g. queue workers. */
  readonly workers?: number;
}

/** What `runCost` returns. */
export interface RunCost {
  readonly jobs: number;
  readonly workers: number;
  /** Rounds of at most `workers` jobs each: `ceil(jobs / workers)`. */
  readonly waves: number;
  /** Wall-clock seconds: `waves * secondsPerJob`. */
  readonly seconds: number;
}

/**
 * Wall-clock cost of `jobs` equal jobs on `workers` workers, run in `ceil(jobs / workers)`
 * waves (no overhead between jobs; a lower bound when jobs differ in length).
 * @throws InputError for jobs not a non-negative integer (or Infinity), secondsPerJob not a
 *   finite number >= 0, workers not an integer >= 1.
 */
export function runCost(input: RunCostInput): RunCost {
  const where = 'stats/runCost';
  const { jobs, secondsPerJob } = input;
  const workers = input.workers ?? 1;
  if (!((Number.isInteger(jobs) && jobs >= 0) || jobs === Infinity)) throw new InputError(`${where}: jobs`, 'an integer >= 0 or Infinity', String(jobs));
  if (!(Number.isFinite(secondsPerJob) && secondsPerJob >= 0)) throw new InputError(`${where}: secondsPerJob`, 'a finite number of seconds >= 0', String(secondsPerJob));
  if (!(Number.isInteger(workers) && workers >= 1)) throw new InputError(`${where}: workers`, 'an integer >= 1', String(workers));
  const waves = Math.ceil(jobs / workers);
  return { jobs, workers, waves, seconds: waves === 0 ? 0 : waves * secondsPerJob };
}

/**
 * How many times larger both samples of a two-sample test must be for its statistic, now
 * `t`, to reach p < `alpha` (one-sided) with probability `power`: the statistic grows with the
 * square root of the sizes, so ((z(1 - alpha) + z(power)) / t)^2 (normal approximation, for
 * tests with many degrees of freedom). Infinity when `t` is not positive.
 */
export function sizeFactorFor(t: number, alpha: number, power = 0.8): number {
  if (!(t > 0)) return Infinity;
  const needed = normalQuantile(1 - alpha) + normalQuantile(power);
  return (needed / t) ** 2;
}
