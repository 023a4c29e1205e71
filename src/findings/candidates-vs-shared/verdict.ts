import { setOffsets } from '../../measure/summarize-scores';
import type { Verdict, VerdictPart } from '../finding';
import type { CandidatesVsSharedStudy } from './study';

interface TestRow {
  split_seed: number;
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
  const significant = parts.filter((p) => p.holds).length;
  const holds = significant === rows.length;
  const sentence = holds
    ? `The claim holds at this scale: S_C scores significantly higher than S_S on all ${rows.length} splits (p < ${formatAlpha(alpha)} each).`
    : `The claim is not confirmed at this scale: S_C > S_S at p < ${formatAlpha(alpha)} on ${significant} of ${rows.length} splits.`;
  return { holds, parts, sentence, lines: [...lines, sentence] };
}

/** 0.001 as `1e-3`, 0.05 as `0.05`. */
function formatAlpha(alpha: number): string {
  return alpha < 0.01 ? alpha.toExponential(0) : String(alpha);
}
