import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { mean, quantile, std } from '../../stats/describe';
import { tTest } from '../../stats/t-test';
import { check } from '../../util/errors';

// Summaries of a localization study: the LayerMem and UnitMem profiles and the most
// memorizing units (the tests of the follow-up paper's findings are in verdict.ts).

/** The measured tables of a localization study (what the summaries and tests read; see `LocalizationStudy`). */
export interface LocalizationTables {
  /** LayerMem: one row per framework, seed, layer and point. */
  readonly layers: ColumnTable;
  /** UnitMem: one row per framework, seed, side, layer and unit. */
  readonly units: ColumnTable;
}

export type LayerRow = { framework: string; seed: number; layer: string; depth: number; id: number; set: string; score_raw: number; score_range: number };
export type UnitRow = { framework: string; seed: number; side: string; layer: string; depth: number; unit: number; unit_mem: number; top_id: number; top_set: string; seen: boolean; signed: boolean };

export function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** `mean`, NaN for no values (e.g. no candidate drives a top unit). */
export function avg(values: readonly number[]): number {
  return values.length === 0 ? NaN : mean(values);
}

/** Per framework, seed and layer: the mean raw LayerMem of each set and the gap S_C - S_S. */
export function seedLayerMeans(study: LocalizationTables): Array<{ framework: string; seed: number; layer: string; depth: number; sets: Record<string, number>; gap: number }> {
  const rows = study.layers.objects() as LayerRow[];
  return [...groupBy(rows, (r) => `${r.framework}\u0000${r.seed}\u0000${r.layer}`).values()].map((part) => {
    const bySet = groupBy(part, (r) => r.set);
    const sets = Object.fromEntries([...bySet].map(([s, p]) => [s, avg(p.map((r) => r.score_raw))]));
    return { framework: part[0].framework, seed: part[0].seed, layer: part[0].layer, depth: part[0].depth, sets, gap: (sets.S_C ?? NaN) - (sets.S_S ?? NaN) };
  });
}

/**
 * The LayerMem profile: one row per framework and layer (in depth order): `framework, layer,
 * depth, seeds, S_C, S_S, S_I, S_E` (mean raw LayerMem of each set, averaged over the seeds),
 * `gap` (S_C - S_S) and `gap_sd` (over the seeds), `S_C_range` (mean range-normalised score
 * of S_C) and `p` (one-sided Welch test of S_C > S_S on the seed-averaged per-point scores).
 */
export function layerMemProfile(study: LocalizationTables): ColumnTable {
  const perSeed = seedLayerMeans(study);
  const rows = study.layers.objects() as LayerRow[];
  const out = [...groupBy(perSeed, (r) => `${r.framework}\u0000${r.layer}`).values()].map((part) => {
    const { framework, layer, depth } = part[0];
    const points = rows.filter((r) => r.framework === framework && r.layer === layer);
    const perPoint = (set: string): number[] => [...groupBy(points.filter((r) => r.set === set), (r) => String(r.id)).values()].map((p) => avg(p.map((r) => r.score_raw)));
    const setMean = (set: string): number => avg(part.map((r) => r.sets[set] ?? NaN));
    const c = perPoint('S_C');
    const s = perPoint('S_S');
    return {
      framework,
      layer,
      depth,
      seeds: part.length,
      S_C: setMean('S_C'),
      S_S: setMean('S_S'),
      S_I: setMean('S_I'),
      S_E: setMean('S_E'),
      gap: avg(part.map((r) => r.gap)),
      gap_sd: std(part.map((r) => r.gap)),
      S_C_range: avg(points.filter((r) => r.set === 'S_C').map((r) => r.score_range)),
      p: c.length > 1 && s.length > 1 ? tTest(c, s, { alternative: 'greater' }).pValue : NaN,
    };
  });
  const order = [...new Set(out.map((r) => r.framework))];
  return aq.from(out.sort((a, b) => order.indexOf(a.framework) - order.indexOf(b.framework) || a.depth - b.depth));
}

/** The `fraction` of an encoder's units of one layer with the highest UnitMem (at least one). */
export function topUnits(units: readonly UnitRow[], fraction: number): UnitRow[] {
  const k = Math.max(1, Math.ceil(units.length * fraction));
  return [...units].sort((a, b) => b.unit_mem - a.unit_mem || a.unit - b.unit).slice(0, k);
}

export function encoderLayers(study: LocalizationTables): UnitRow[][] {
  const rows = study.units.objects() as UnitRow[];
  return [...groupBy(rows, (r) => `${r.framework}\u0000${r.side}\u0000${r.seed}\u0000${r.layer}`).values()];
}

/**
 * The UnitMem profile: one row per framework, side and layer: `framework, side, layer, depth,
 * signed, units` (per encoder), `mean, median, q90, max` of UnitMem over the units of all
 * seeds, `at_one` (the share of units at UnitMem >= 0.999: active for one point of the pool
 * only, a sparse relu unit's ceiling), `top_seen` (the share of each encoder's `topFraction` most memorizing units whose
 * most activating point is in that encoder's own training set, averaged over the seeds;
 * 0.5 is chance, the pool being half S_C, half S_I) and `top_seen_sd`.
 */
export function unitMemProfile(study: LocalizationTables, options: { topFraction?: number } = {}): ColumnTable {
  const fraction = options.topFraction ?? 0.1;
  check(fraction > 0 && fraction <= 1, 'unitMemProfile options.topFraction', 'a number in (0, 1]', String(fraction));
  const groups = groupBy(encoderLayers(study), (g) => `${g[0].framework}\u0000${g[0].side}\u0000${g[0].layer}`);
  const out = [...groups.values()].map((encoders) => {
    const { framework, side, layer, depth } = encoders[0][0];
    const values = encoders.flat().map((r) => r.unit_mem).sort((a, b) => a - b);
    const shares = encoders.map((units) => avg(topUnits(units, fraction).map((r) => (r.seen ? 1 : 0))));
    return {
      framework,
      side,
      layer,
      depth,
      signed: encoders.some((units) => units.some((r) => r.signed)),
      units: encoders[0].length,
      mean: avg(values),
      median: quantile(values, 0.5),
      q90: quantile(values, 0.9),
      max: values[values.length - 1],
      at_one: avg(values.map((v) => (v >= 0.999 ? 1 : 0))),
      top_seen: avg(shares),
      top_seen_sd: std(shares),
    };
  });
  const order = [...new Set(out.map((r) => r.framework))];
  return aq.from(out.sort((a, b) => order.indexOf(a.framework) - order.indexOf(b.framework) || a.side.localeCompare(b.side) || a.depth - b.depth));
}

/**
 * The `count` most memorizing units of one encoder (framework, side, seed) over its
 * unsigned layers: rows of the unit table sorted by UnitMem, highest first.
 */
export function mostMemorizingUnits(study: Pick<LocalizationTables, 'units'>, select: { framework: string; side?: 'f' | 'g'; seed?: number; count?: number }): ColumnTable {
  const side = select.side ?? 'f';
  const rows = (study.units.objects() as UnitRow[]).filter((r) => r.framework === select.framework && r.side === side && !r.signed && (select.seed === undefined || r.seed === select.seed));
  check(rows.length > 0, 'mostMemorizingUnits', `units of ${select.framework} ${side}${select.seed === undefined ? '' : ` seed ${select.seed}`} on an unsigned layer`, 'none');
  const seed = select.seed ?? rows[0].seed;
  const mine = rows.filter((r) => r.seed === seed).sort((a, b) => b.unit_mem - a.unit_mem || a.depth - b.depth || a.unit - b.unit);
  return aq.from(mine.slice(0, select.count ?? 16));
}


/**
 * The localization finding's tables: `layers` (`layerMemProfile`), `units`
 * (`unitMemProfile`) and `top_units` (per framework the 16 most memorizing units of the
 * first seed's f, `mostMemorizingUnits`).
 */
export function localizationSummary(study: LocalizationTables & { readonly settings: { readonly frameworks: readonly string[]; readonly config: { readonly seeds: readonly number[] } } }): Record<string, ColumnTable> {
  const seed = study.settings.config.seeds[0];
  return {
    layers: layerMemProfile(study),
    units: unitMemProfile(study),
    top_units: study.settings.frameworks.map((framework) => mostMemorizingUnits(study, { framework, seed, count: 16 })).reduce((a, b) => a.concat(b)),
  };
}
