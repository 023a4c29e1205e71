import { median } from '../../stats/describe';
import { correlationSeedsFor } from '../../stats/projection';
import type { Verdict } from '../finding';
import { costInWords } from '../training-cost';
import type { AtypicalStudy } from './study';

/** Below it a ranking of the candidates is mostly the noise of the training runs. */
const reliableEnough = 0.5;

/**
 * The reliability lines: how far each split's ranking of its candidates can be trusted, how
 * much that attenuates the correlations, and per measure the seeds at which its association
 * on S_C would reach p < 0.01 with power 0.8 (`correlationSeedsFor`), with the cost.
 */
function reliabilityLines(study: AtypicalStudy, corr: ReadonlyArray<{ measure: string; set: string; n: number; rho: number }>): string[] {
  const rows = study.reliability.objects() as Array<{ split_seed: number; seeds: number; reliability: number; low: number; high: number; seeds_for_0_8: number }>;
  if (rows.length === 0) return ['Reliability of the candidates\' ranking: not measured (one seed per side).'];
  const k = rows[0].seeds;
  const typical = median(rows.map((r) => r.reliability));
  const lines = [
    `Reliability of each split's ranking of its candidates (class means out, mean of ${k} seeds, Spearman-Brown, 95% bootstrap interval): ${rows.map((r) => `split ${r.split_seed} ${r.reliability.toFixed(2)} [${r.low.toFixed(2)}, ${r.high.toFixed(2)}]`).join(', ')}; ` +
      (typical > 0
        ? `noise of the training runs shrinks a correlation with the score to about ${Math.sqrt(typical).toFixed(2)} of its noise-free value.`
        : 'the seeds do not agree on the ranking at all.') +
      (typical < reliableEnough ? ` The rankings are mostly the noise of the training runs (median reliability ${typical.toFixed(2)} < ${reliableEnough}): a weak association says little either way.` : ''),
  ];
  if (!(typical > 0)) return lines;
  const splits = study.settings.splitSeeds.length;
  const projections = corr
    .filter((c) => c.set === 'S_C')
    .map((c) => {
      if (!(c.rho > 0)) return `${c.measure}: rho ${c.rho.toFixed(3)} is not in the claim's direction, so no number of seeds would show it`;
      const p = correlationSeedsFor({ observed: c.rho, points: c.n, reliability: Math.min(typical, 1), seeds: k });
      if (!Number.isFinite(p.seeds)) return `${c.measure}: rho ${c.rho.toFixed(3)} over ${c.n} candidates stays below the ${p.required.toFixed(3)} that p < 0.01 with power 0.8 needs at any number of seeds`;
      return `${c.measure}: rho ${c.rho.toFixed(3)} over ${c.n} candidates reaches p < 0.01 with power 0.8 at ${p.seeds} seed${p.seeds === 1 ? '' : 's'} per side (projected rho ${p.projected.toFixed(3)}; needed ${p.required.toFixed(3)}), ${costInWords(2 * p.seeds * splits, study.secondsPerEncoder)}`;
    });
  lines.push(`What it would take: ${projections.join('; ')}.`);
  return lines;
}

/**
 * Finding 3: for every measure, the centred score rises with atypicality on S_C (rho > 0,
 * p < alpha) and more than on the control S_E (Fisher z, p < alpha). Lines: each measure's
 * correlations and contrast, how reliable each split's ranking is and what p < 0.01 with power
 * would take per measure, then the conclusion.
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
  return { holds: tests.holds, parts, sentence, lines: [...lines, ...reliabilityLines(study, corr), sentence] };
}
