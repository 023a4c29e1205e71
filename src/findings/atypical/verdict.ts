import type { Verdict } from '../finding';
import type { AtypicalStudy } from './study';

/**
 * Finding 3: for every measure, the centred score rises with atypicality on S_C (rho > 0,
 * p < alpha) and more than on the control S_E (Fisher z, p < alpha). Lines: each measure's
 * correlations and contrast, then the conclusion.
 */
export function atypicalVerdict(study: AtypicalStudy): Verdict {
  const { tests } = study;
  const corr = tests.correlations.objects() as Array<{ measure: string; set: string; n: number; rho: number; p_value: number }>;
  const contrasts = tests.contrasts.objects() as Array<{ measure: string; rho_C: number; rho_E: number; z: number; p_value: number }>;
  const lines: string[] = [];
  const parts = contrasts.map((c) => {
    const on = (set: string) => corr.find((r) => r.measure === c.measure && r.set === set)!;
    lines.push(`${c.measure}: rho on S_C = ${c.rho_C.toFixed(3)} (n ${on('S_C').n}, p = ${on('S_C').p_value.toExponential(2)}), on the control S_E = ${c.rho_E.toFixed(3)} (p = ${on('S_E').p_value.toExponential(2)}); S_C above S_E: z = ${c.z.toFixed(2)}, p = ${c.p_value.toExponential(2)}`);
    const holds = c.rho_C > 0 && on('S_C').p_value < tests.alpha && c.p_value < tests.alpha;
    return {
      name: c.measure,
      holds,
      sentence: `${c.measure}: the association on S_C ${holds ? 'is' : 'is not'} significant and above the control's (alpha ${tests.alpha}).`,
    };
  });
  const sentence = tests.holds
    ? `The claim holds at this scale: the more atypical a candidate (by both measures), the more it is memorized, beyond the association in the control set (alpha ${tests.alpha}).`
    : `The claim is not confirmed at this scale: for at least one measure the association on S_C is not significant or not above the control's (alpha ${tests.alpha}).`;
  return { holds: tests.holds, parts, sentence, lines: [...lines, sentence] };
}
