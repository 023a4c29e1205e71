import { mean, median } from '../../stats/describe';
import type { Verdict, VerdictPart } from '../finding';
import { costInWords } from '../training-cost';
import type { FrameworkReliabilityRow } from './reliability';
import type { FrameworksStudy } from './study';
import { frameworkSummary } from './summary';

/** Below it a ranking is mostly the noise of the training runs. */
const reliableEnough = 0.5;

/**
 * The reliability lines of the verdict: each ranking's reliability, the agreement of each kind
 * of pair against its ceiling, and what more seeds would take. `caveat`: the clause the
 * sentence gets when the SSL rankings are too unreliable to carry the claim.
 */
function reliabilityLines(study: FrameworksStudy): { lines: string[]; caveat?: string } {
  const rows = study.reliability.objects() as FrameworkReliabilityRow[];
  if (rows.length === 0) return { lines: ['reliability: not measured (one seed per side)'] };
  const seeds = rows[0].seeds;
  const lines = [
    `reliability of each ranking of the candidates (class-centred, mean of ${seeds} seeds, Spearman-Brown): ${rows.map((r) => `${r.framework} ${r.reliability.toFixed(2)}`).join(', ')}`,
  ];
  const pairs = study.agreement.pairs.objects() as Array<{ kind: string; spearman: number; ceiling?: number; spearman_disattenuated?: number }>;
  for (const kind of ['ssl-ssl', 'ssl-supervised']) {
    const of = pairs.filter((p) => p.kind === kind);
    const bounded = of.filter((p) => Number.isFinite(p.ceiling));
    if (bounded.length === 0) {
      lines.push(`${kind === 'ssl-ssl' ? 'SSL-SSL' : 'SSL-supervised'}: no pair with two rankings above noise, so no ceiling`);
      continue;
    }
    lines.push(
      `${kind === 'ssl-ssl' ? 'SSL-SSL' : 'SSL-supervised'} mean Spearman ${mean(of.map((p) => p.spearman)).toFixed(3)}; over the ${bounded.length} of ${of.length} pairs whose rankings both beat noise: ${mean(bounded.map((p) => p.spearman)).toFixed(3)} of a ceiling of ${mean(bounded.map((p) => p.ceiling!)).toFixed(3)}, disattenuated ${mean(bounded.map((p) => p.spearman_disattenuated!)).toFixed(3)}`,
    );
  }
  const ssl = rows.filter((r) => r.kind === 'ssl');
  // Seeds help only a ranking whose seeds agree at all (reliability > 0); the others are noise at any count.
  const firm = rows.filter((r) => Number.isFinite(r.seeds_for_0_8));
  const noise = rows.filter((r) => !Number.isFinite(r.seeds_for_0_8)).map((r) => r.framework);
  const noiseWords = noise.length === 0 ? '' : `; ${noise.join(', ')} ${noise.length === 1 ? 'does' : 'do'} not beat noise at all (reliability <= 0), so more seeds of this training would not firm ${noise.length === 1 ? 'its ranking' : 'their rankings'} up`;
  if (firm.length === 0) {
    lines.push(`what it would take: no ranking beats noise, so no number of seeds${noiseWords}`);
  } else {
    const needed = Math.max(...firm.map((r) => r.seeds_for_0_8));
    const least = firm.reduce((a, b) => (b.reliability < a.reliability ? b : a));
    lines.push(
      `what it would take: ${needed} seeds per side for the rankings that beat noise (${firm.map((r) => r.framework).join(', ')}) to reach a reliability of 0.8 (least reliable of them: ${least.framework}, ${least.reliability.toFixed(2)} with ${seeds}), ${costInWords(2 * needed * rows.length, study.secondsPerEncoder)}${noiseWords}`,
    );
  }
  const typical = ssl.length === 0 ? Number.NaN : median(ssl.map((r) => r.reliability));
  const caveat = typical < reliableEnough ? `the SSL rankings are mostly the noise of the training runs (median reliability ${typical.toFixed(2)} < ${reliableEnough}), too unreliable to carry the claim either way` : undefined;
  return { lines, caveat };
}

/**
 * Whether the SSL frameworks' most memorized candidates agree with each other more than
 * with supervised training's (`frameworkAgreement`): one part per metric the claim rests
 * on (Spearman's rho, the first top-k% Jaccard). `lines`: each metric's SSL-SSL and
 * SSL-supervised means with the bootstrap interval of their difference, how many pairs
 * agree above chance, which models do not memorize their candidates significantly, each
 * ranking's reliability, the agreement of each kind of pair against the ceiling those
 * reliabilities allow (and disattenuated), the seeds the rankings that beat noise would need
 * for a reliability of 0.8 with the cost of training every model that often (and which
 * rankings no number of seeds helps), and the sentence (which says so when the SSL
 * rankings are too unreliable to carry the claim).
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
  const reliability = reliabilityLines(study);
  lines.push(...reliability.lines);
  const sentence = reliability.caveat === undefined ? agreement.sentence : `${agreement.sentence.replace(/\.$/, '')}; ${reliability.caveat}.`;
  lines.push(sentence);
  const parts: VerdictPart[] = agreement.verdicts.slice(0, 2).map((v) => ({ name: v.metric, holds: v.holds, sentence: `${metricLine(v)}.` }));
  return { holds: agreement.holds, parts, sentence, lines };
}
