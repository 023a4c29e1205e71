import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { tTest } from '../../stats/t-test';
import type { FrameworksStudy } from './study';

/**
 * One row per framework of a study: `framework, kind, encoder, accuracy` (when probed),
 * the mean score of S_C and S_S, their `gap` and the one-sided Welch p-value of
 * `S_C > S_S` (`p_value`): whether the framework memorizes its candidates at all at
 * this scale, which bounds how much its ranking of them can agree with anyone's.
 */
export function frameworkSummary(study: Pick<FrameworksStudy, 'configs' | 'scores' | 'probes'>): ColumnTable {
  const rows = Object.keys(study.configs).map((framework) => {
    const of = (set: string) =>
      study.scores.filter(aq.escape((d: { framework: string; set: string }) => d.framework === framework && d.set === set)).array('score') as number[];
    const [candidates, shared] = [of('S_C'), of('S_S')];
    const t = tTest(candidates, shared, { alternative: 'greater' });
    const probe = (study.probes.objects() as Array<{ framework: string; accuracy: number }>).find((r) => r.framework === framework);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    return {
      framework,
      kind: framework === 'supervised' ? 'supervised' : 'ssl',
      encoder: String(study.configs[framework].encoder.kind),
      accuracy: probe?.accuracy ?? Number.NaN,
      S_C: mean(candidates),
      S_S: mean(shared),
      gap: mean(candidates) - mean(shared),
      p_value: t.pValue,
    };
  });
  return aq.from(rows);
}

/**
 * The framework comparison's tables: `frameworks` (`frameworkSummary`: probe accuracy,
 * mean scores of S_C and S_S, gap and p-value per framework), `reliability` (how far each
 * framework's seeds agree on its ranking of the candidates) and `pairs` (the agreement of
 * every pair on the candidates: Spearman's rho and top-k% Jaccard with permutation p-values,
 * the ceiling the two rankings' reliabilities allow and the disattenuated Spearman).
 */
export function frameworksSummary(study: FrameworksStudy): Record<string, ColumnTable> {
  return { frameworks: frameworkSummary(study), reliability: study.reliability, pairs: study.agreement.pairs };
}
