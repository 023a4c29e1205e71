import { setOffsets } from '../../measure/summarize-scores';
import { normalSf } from '../../stats/correlation-tests';
import { normalQuantile } from '../../stats/distribution-quantiles';
import { sizeFactorFor } from '../../stats/projection';
import type { Verdict, VerdictPart } from '../finding';
import type { CandidatesVsSharedStudy } from './study';

interface TestRow {
  split_seed: number;
  n_C: number;
  n_S: number;
  mean_S_C: number;
  mean_S_S: number;
  mean_S_I: number;
  mean_S_E: number;
  gap: number;
  t: number;
  p_value: number;
}

/** Holds when S_C > S_S at p < `alpha` (default 1e-3) on every split; one part per split. */
export function candidatesVsSharedVerdict(study: CandidatesVsSharedStudy, alpha = 1e-3): Verdict {
  const rows = study.tests.objects() as TestRow[];
  const lines = rows.map(
    (r) => `split seed ${r.split_seed}: S_C ${r.mean_S_C.toFixed(4)} vs S_S ${r.mean_S_S.toFixed(4)}, gap ${r.gap.toFixed(4)}, t = ${r.t.toFixed(2)}, p = ${r.p_value.toExponential(2)}; S_I ${r.mean_S_I.toFixed(4)}, S_E ${r.mean_S_E.toFixed(4)}`,
  );
  const parts: VerdictPart[] = rows.map((r, i) => ({ name: `split seed ${r.split_seed}`, holds: r.p_value < alpha, sentence: lines[i] }));
  for (const o of setOffsets(study.scores, 'S_S', 'S_E', 'score_raw').objects() as Array<{ split_seed: number; difference: number; p_value: number }>) {
    lines.push(`split seed ${o.split_seed}: S_S - S_E = ${o.difference.toFixed(4)} (Welch two-sided p = ${o.p_value.toExponential(2)}): ${o.p_value < 0.01 ? 'an f-g offset that shared points share with unseen ones' : 'no offset between shared and unseen points'}`);
  }
  lines.push(...sizeLines(rows, alpha));
  const significant = parts.filter((p) => p.holds).length;
  const holds = significant === rows.length;
  const sentence = holds
    ? `The claim holds at this scale: S_C scores significantly higher than S_S on all ${rows.length} splits (p < ${formatAlpha(alpha)} each).`
    : `The claim is not confirmed at this scale: S_C > S_S at p < ${formatAlpha(alpha)} on ${significant} of ${rows.length} splits.`;
  return { holds, parts, sentence, lines: [...lines, sentence] };
}

/** The power of one split's test and the set sizes it needs (`splitPower`). */
export interface SplitPower {
  readonly splitSeed: number;
  /** Probability that the test reaches p < alpha at the measured sizes if the measured gap were the truth. */
  readonly power: number;
  /** Candidates (with shared points in the split's ratio) at which it reaches p < alpha with power 0.8; Infinity when the gap is not positive. */
  readonly candidatesNeeded: number;
  readonly sharedNeeded: number;
}

/**
 * What one split's test S_C > S_S would take: taking its measured gap and the spread of
 * both sets as the truth, the Welch statistic grows with the square root of the set sizes
 * (both scaled together), so the power at the measured sizes is P(Z > z_(1-alpha) - t) and
 * the sizes for power 0.8 are the measured ones times ((z_(1-alpha) + z_0.8) / t)^2 (normal
 * approximation: the Welch df are in the hundreds here).
 */
export function splitPower(row: { split_seed: number; n_C: number; n_S: number; t: number }, alpha: number, target = 0.8): SplitPower {
  const power = Number.isFinite(row.t) ? normalSf(normalQuantile(1 - alpha) - row.t) : Number.NaN;
  const factor = sizeFactorFor(row.t, alpha, target);
  const candidatesNeeded = Number.isFinite(factor) ? Math.max(2, Math.ceil(factor * row.n_C)) : Infinity;
  const sharedNeeded = Number.isFinite(factor) ? Math.max(2, Math.ceil(factor * row.n_S)) : Infinity;
  return { splitSeed: row.split_seed, power, candidatesNeeded, sharedNeeded };
}

/** One line: each split's power at its sizes and the candidates it would need for power 0.8. */
function sizeLines(rows: readonly TestRow[], alpha: number): string[] {
  if (rows.length === 0) return [];
  const words = rows.map((r) => {
    const p = splitPower(r, alpha);
    const need = Number.isFinite(p.candidatesNeeded) ? `${p.candidatesNeeded} candidates against ${p.sharedNeeded} shared points would do` : 'no size would do (the gap is not positive)';
    return `split seed ${r.split_seed} power ${p.power.toFixed(3)} with ${r.n_C} candidates, ${need}`;
  });
  return [`what it would take (S_C > S_S at p < ${formatAlpha(alpha)} with power 0.8 if each split's measured gap and spread were the truth): ${words.join('; ')}`];
}

/** 0.001 as `1e-3`, 0.05 as `0.05`. */
function formatAlpha(alpha: number): string {
  return alpha < 0.01 ? alpha.toExponential(0) : String(alpha);
}
