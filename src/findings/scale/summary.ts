import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { regimeTable } from './plan';
import type { ScaleStudy } from './study';

/** The columns of the measures with all seeds that the notebook shows. */
export const allSeedsColumns = ['regime', 'epoch', 'image_epochs', 'train_seconds', 'ssl_loss_f', 'mean_S_C', 'mean_S_S', 'mean_S_E', 'gap', 't', 'p_value'] as const;

/** The measures with f and g averaged over all seeds of each regime (every column). */
export function allSeedsMeasures(study: ScaleStudy): ColumnTable {
  const seeds = study.settings.config.seeds.length;
  return study.measures.filter(aq.escape((d: { seeds: number }) => d.seeds === seeds));
}

/**
 * For every regime, its cheapest setting (fewest image-epochs of training per encoder) in
 * which S_C > S_S is significant: rows of the study with all seeds, at least
 * `settings.minCandidates` candidates and p < `settings.alpha`, the cheapest per regime,
 * ordered by cost. A regime that never gets there has no row (with none, an empty table with
 * the study's columns).
 */
export function cheapestSettings(study: ScaleStudy): ColumnTable {
  const { alpha, minCandidates } = study.settings;
  const rows = study.measures.objects() as Array<Record<string, number | string>>;
  const seeds = Math.max(...rows.map((r) => r.seeds as number));
  const ok = rows.filter((r) => r.seeds === seeds && (r.candidates as number) >= minCandidates && (r.p_value as number) < alpha);
  const best = new Map<string, Record<string, number | string>>();
  for (const r of ok) {
    const known = best.get(r.regime as string);
    if (known === undefined || (r.image_epochs as number) < (known.image_epochs as number)) best.set(r.regime as string, r);
  }
  if (best.size === 0) return study.measures.slice(0, 0);
  return aq.from([...best.values()].sort((a, b) => (a.image_epochs as number) - (b.image_epochs as number)));
}

/**
 * The scale study's tables: `regimes` (what each regime trains), `measures` (every regime,
 * epoch and number of seeds), `all_seeds` (f and g averaged over all seeds, the notebook's
 * columns), `cheapest` (each regime's cheapest significant setting) and, with 2 or more seeds,
 * `reliability` (how far the seeds agree on the ranking of the candidates, per regime,
 * coupling and epoch).
 */
export function scaleSummary(study: ScaleStudy): Record<string, ColumnTable> {
  return {
    regimes: regimeTable(study.settings),
    measures: study.measures,
    all_seeds: allSeedsMeasures(study).select(...allSeedsColumns),
    cheapest: cheapestSettings(study),
    ...(study.reliability.numRows() === 0 ? {} : { reliability: study.reliability }),
  };
}
