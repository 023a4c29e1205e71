import type { Verdict, VerdictPart } from '../finding';
import type { FrameworksStudy } from './study';
import { frameworkSummary } from './summary';

/**
 * Whether the SSL frameworks' most memorized candidates agree with each other more than
 * with supervised training's (`frameworkAgreement`): one part per metric the claim rests
 * on (Spearman's rho, the first top-k% Jaccard). `lines`: each metric's SSL-SSL and
 * SSL-supervised means with the bootstrap interval of their difference, how many pairs
 * agree above chance, which models do not memorize their candidates significantly, and
 * the sentence.
 */
export function frameworksVerdict(study: FrameworksStudy): Verdict {
  const { agreement } = study;
  const metricLine = (v: (typeof agreement.verdicts)[number]) =>
    `${v.metric}: SSL-SSL ${v.sslSsl.toFixed(3)}, SSL-supervised ${v.sslSupervised.toFixed(3)}, difference ${v.estimate.toFixed(3)} [${v.low.toFixed(3)}, ${v.high.toFixed(3)}] (${Math.round(v.level * 100)}% bootstrap), ${v.holds ? 'above 0' : 'not above 0'}`;
  const lines = agreement.verdicts.map(metricLine);
  const pairs = agreement.pairs.objects() as Array<{ kind: string; spearman_p: number }>;
  const aboveChance = (kind: string) => pairs.filter((p) => p.kind === kind && p.spearman_p < agreement.alpha).length + ' of ' + pairs.filter((p) => p.kind === kind).length;
  lines.push(`pairs with Spearman above chance (permutation p < ${agreement.alpha}): SSL-SSL ${aboveChance('ssl-ssl')}, SSL-supervised ${aboveChance('ssl-supervised')}`);
  const weak = (frameworkSummary(study).objects() as Array<{ framework: string; gap: number; p_value: number }>)
    .filter((r) => r.p_value >= agreement.alpha)
    .map((r) => `${r.framework} (gap ${r.gap.toFixed(4)}, p = ${r.p_value.toPrecision(2)})`);
  lines.push(weak.length === 0 ? `every model memorizes its candidates (S_C > S_S at p < ${agreement.alpha})` : `models whose candidates do not score significantly above S_S (p >= ${agreement.alpha}), whose rankings are mostly noise: ${weak.join(', ')}`);
  lines.push(agreement.sentence);
  const parts: VerdictPart[] = agreement.verdicts.slice(0, 2).map((v) => ({ name: v.metric, holds: v.holds, sentence: `${metricLine(v)}.` }));
  return { holds: agreement.holds, parts, sentence: agreement.sentence, lines };
}
