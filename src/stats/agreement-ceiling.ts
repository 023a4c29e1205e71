import { InputError } from '../util/errors';

/** An interval `[low, high]` of an estimate, e.g. a bootstrap interval. */
export type Interval = readonly [number, number];

/** What `agreementCeiling` takes. */
export interface AgreementCeilingInput {
  /** The observed correlation of the two rankings (Pearson of, e.g., two frameworks' K-seed mean scores). */
  readonly observed: number;
  /** Reliability of ranking A in (0, 1] (e.g. `scoreReliability(perSeedA).reliability`). */
  readonly reliabilityA: number;
  /** Reliability of ranking B in (0, 1]. */
  readonly reliabilityB: number;
  /**
   * Intervals of the three inputs (all three or none), e.g. the bootstrap intervals of
   * `scoreReliability`: adds `interval` and `ceilingInterval` to the result.
   */
  readonly intervals?: {
    readonly observed: Interval;
    readonly reliabilityA: Interval;
    readonly reliabilityB: Interval;
  };
}

/** The agreement of two noisy rankings against the most they could agree. */
export interface AgreementCeiling {
  readonly observed: number;
  /** `sqrt(reliabilityA * reliabilityB)`: the largest correlation two rankings this noisy can have. */
  readonly ceiling: number;
  /** `observed / ceiling`: the correlation of the rankings' noise-free parts (Spearman's correction). */
  readonly disattenuated: number;
  /**
   * `|disattenuated| > 1`: the observation lies beyond the ceiling (sampling noise of the three
   * estimates, or reliabilities measured too low); `disattenuated` is then reported as it is,
   * not clamped to 1, and should be read as "the rankings agree as far as their noise allows".
   */
  readonly exceedsCeiling: boolean;
  /**
   * Interval of `disattenuated` (with `intervals`): the least and largest `observed / sqrt(a b)`
   * over the box of the three input intervals, a reliability at or below 0 counting as 0 (the
   * bound is then infinite). An approximation that ignores how the three estimates co-vary:
   * by the union bound its coverage is at least 1 minus the sum of the three intervals' miss
   * rates (three 95% intervals: at least 85%), and it is usually wider than a joint bootstrap's.
   */
  readonly interval?: Interval;
  /** Interval of `ceiling` (with `intervals`): `sqrt` of the products of the reliabilities' bounds (clamped to [0, 1]). */
  readonly ceilingInterval?: Interval;
}

const where = 'stats/agreementCeiling';

function reliabilityOf(value: number, field: string): number {
  if (!(Number.isFinite(value) && value > 0 && value <= 1)) {
    throw new InputError(`${where}: ${field}`, 'a reliability in (0, 1] (at or below 0 the ranking is noise and has no ceiling to compare with)', String(value));
  }
  return value;
}

function intervalOf(value: Interval | undefined, field: string): Interval {
  if (!Array.isArray(value) || value.length !== 2) throw new InputError(`${where}: intervals.${field}`, 'an interval [low, high]', value === undefined ? 'undefined' : JSON.stringify(value));
  const [low, high] = value as Interval;
  if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high)) throw new InputError(`${where}: intervals.${field}`, 'finite bounds with low <= high', `[${low}, ${high}]`);
  return [low, high];
}

/** observed / sqrt(a b), with a reliability <= 0 read as 0 (an infinite ratio). */
function ratio(observed: number, a: number, b: number): number {
  const scale = Math.sqrt(Math.max(0, a) * Math.max(0, b));
  if (scale > 0) return observed / scale;
  return observed > 0 ? Infinity : observed < 0 ? -Infinity : 0;
}

/**
 * The agreement of two noisy rankings against their ceiling. Two rankings whose
 * reliabilities (the correlation of each with a replication of itself) are `relA` and
 * `relB` cannot correlate more than `sqrt(relA relB)`, however well their noise-free parts
 * agree (classical test theory: `r_obs = r_true sqrt(relA relB)` for independent noise).
 * `disattenuated = observed / ceiling` estimates the agreement of the noise-free parts, so
 * two frameworks' memorization scores that correlate 0.2 with reliabilities 0.3 and 0.2 agree
 * as far as their noise allows (0.2 / 0.245 = 0.82), not "barely".
 *
 * Exact for Pearson's correlation; for Spearman's it is the usual approximation.
 * @throws InputError for a non-finite `observed` or one outside [-1, 1], a reliability outside
 *   (0, 1], or malformed intervals (naming the field).
 */
export function agreementCeiling(input: AgreementCeilingInput): AgreementCeiling {
  const { observed } = input;
  if (!(Number.isFinite(observed) && Math.abs(observed) <= 1)) throw new InputError(`${where}: observed`, 'a finite correlation in [-1, 1]', String(observed));
  const relA = reliabilityOf(input.reliabilityA, 'reliabilityA');
  const relB = reliabilityOf(input.reliabilityB, 'reliabilityB');
  const ceiling = Math.sqrt(relA * relB);
  const disattenuated = observed / ceiling;
  const result: AgreementCeiling = { observed, ceiling, disattenuated, exceedsCeiling: Math.abs(disattenuated) > 1 };
  if (input.intervals === undefined) return result;
  const o = intervalOf(input.intervals.observed, 'observed');
  const a = intervalOf(input.intervals.reliabilityA, 'reliabilityA');
  const b = intervalOf(input.intervals.reliabilityB, 'reliabilityB');
  // observed / sqrt(a b) is monotone in each input over the box, so its extremes lie at corners.
  const corners = o.flatMap((x) => a.flatMap((y) => b.map((z) => ratio(x, y, z))));
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return {
    ...result,
    interval: [Math.min(...corners), Math.max(...corners)],
    ceilingInterval: [Math.sqrt(clamp(a[0]) * clamp(b[0])), Math.sqrt(clamp(a[1]) * clamp(b[1]))],
  };
}
