import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { correlationDifference, spearmanTest } from '../../stats/correlation-tests';

/** The atypicality measures the atypicality study computes (columns of its `points`). */
export const atypicalityMeasures = ['pixel_atypicality', 'representation_atypicality'] as const;

/** What `atypicalityTests` found. */
export interface AtypicalityTests {
  /** `measure, set, n, rho, t, p_value`: Spearman of the centred score with each measure, one-sided rho > 0. */
  readonly correlations: ColumnTable;
  /** `measure, rho_C, rho_E, z, p_value`: is the association on S_C stronger than on the control S_E (Fisher z, one-sided)? */
  readonly contrasts: ColumnTable;
  /** Finding 3 holds: for every measure, rho on S_C is above 0 (p < alpha) and above the control's (p < alpha). */
  readonly holds: boolean;
  readonly alpha: number;
}

/** Tests the atypicality study's `points` (any table with `set`, `score_centred` and the measures): are atypical candidates memorized most, beyond what the control set shows? */
export function atypicalityTests(study: ColumnTable, options: { alpha?: number } = {}): AtypicalityTests {
  const alpha = options.alpha ?? 0.01;
  const correlations = [];
  const contrasts = [];
  let holds = true;
  for (const measure of atypicalityMeasures) {
    const bySet: Record<string, ReturnType<typeof spearmanTest>> = {};
    for (const set of ['S_C', 'S_E']) {
      const rows = study.filter(aq.escape((d: { set: string }) => d.set === set));
      const r = spearmanTest(rows.array(measure) as number[], rows.array('score_centred') as number[]);
      bySet[set] = r;
      correlations.push({ measure, set, n: r.n, rho: r.rho, t: r.t, p_value: r.pValue });
    }
    const d = correlationDifference(bySet.S_C.rho, bySet.S_C.n, bySet.S_E.rho, bySet.S_E.n);
    contrasts.push({ measure, rho_C: bySet.S_C.rho, rho_E: bySet.S_E.rho, z: d.z, p_value: d.pValue });
    holds &&= bySet.S_C.rho > 0 && bySet.S_C.pValue < alpha && d.pValue < alpha;
  }
  return { correlations: aq.from(correlations), contrasts: aq.from(contrasts), holds, alpha };
}
