import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { mean, quantile, std } from '../stats/describe';
import { oneSampleTTest, tTest } from '../stats/t-test';
import { check } from '../util/errors';
import { createRng } from '../util/rng';
import { rankTrend } from '../measure/level-summary';
import type { LocalizationStudy } from './localization-study';

// Summaries and tests of a `localizationStudy`: the LayerMem and UnitMem profiles, the most
// memorizing units, and the verdict on the follow-up paper's findings.

type LayerRow = { framework: string; seed: number; layer: string; depth: number; id: number; set: string; score_raw: number; score_range: number };
type UnitRow = { framework: string; seed: number; side: string; layer: string; depth: number; unit: number; unit_mem: number; top_id: number; top_set: string; seen: boolean; signed: boolean };

function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
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
function avg(values: readonly number[]): number {
  return values.length === 0 ? NaN : mean(values);
}

/** Per framework, seed and layer: the mean raw LayerMem of each set and the gap S_C - S_S. */
function seedLayerMeans(study: LocalizationStudy): Array<{ framework: string; seed: number; layer: string; depth: number; sets: Record<string, number>; gap: number }> {
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
export function layerMemProfile(study: LocalizationStudy): ColumnTable {
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
function topUnits(units: readonly UnitRow[], fraction: number): UnitRow[] {
  const k = Math.max(1, Math.ceil(units.length * fraction));
  return [...units].sort((a, b) => b.unit_mem - a.unit_mem || a.unit - b.unit).slice(0, k);
}

function encoderLayers(study: LocalizationStudy): UnitRow[][] {
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
export function unitMemProfile(study: LocalizationStudy, options: { topFraction?: number } = {}): ColumnTable {
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
export function mostMemorizingUnits(study: LocalizationStudy, select: { framework: string; side?: 'f' | 'g'; seed?: number; count?: number }): ColumnTable {
  const side = select.side ?? 'f';
  const rows = (study.units.objects() as UnitRow[]).filter((r) => r.framework === select.framework && r.side === side && !r.signed && (select.seed === undefined || r.seed === select.seed));
  check(rows.length > 0, 'mostMemorizingUnits', `units of ${select.framework} ${side}${select.seed === undefined ? '' : ` seed ${select.seed}`} on an unsigned layer`, 'none');
  const seed = select.seed ?? rows[0].seed;
  const mine = rows.filter((r) => r.seed === seed).sort((a, b) => b.unit_mem - a.unit_mem || a.depth - b.depth || a.unit - b.unit);
  return aq.from(mine.slice(0, select.count ?? 16));
}

/** One SSL framework's part of `localizationVerdict`. */
export interface FrameworkLocalization {
  readonly framework: string;
  /** Does the gap S_C - S_S of LayerMem rise with depth (Spearman over layers and seeds, one-sided permutation p)? */
  readonly depth: { readonly rho: number; readonly pValue: number; readonly rises: boolean };
  /** Per unsigned layer: the share of top units driven by a seen point against chance 0.5 (one-sample t over the encoders, one-sided). */
  readonly layers: ReadonlyArray<{ readonly layer: string; readonly topSeen: number; readonly pValue: number; readonly above: boolean }>;
  /** Every unsigned layer holds units that memorise training points. */
  readonly distributed: boolean;
  /** Mean UnitMem of the encoders over the unsigned layers against supervised training's (one-sided Welch, when supervised was run). */
  readonly versusSupervised?: { readonly ssl: number; readonly supervised: number; readonly pValue: number; readonly higher: boolean };
  /** Candidates that drive f's top units against the other candidates, by LayerMem of the last layer (one-sided Welch). */
  readonly drivers: { readonly count: number; readonly driverScore: number; readonly otherScore: number; readonly pValue: number; readonly higher: boolean };
}

/** What `localizationVerdict` returns. */
export interface LocalizationVerdict {
  readonly frameworks: readonly FrameworkLocalization[];
  readonly alpha: number;
  /** Memorization rises with depth for every SSL framework. */
  readonly depthHolds: boolean;
  /** Memorizing units sit in every unsigned layer of every SSL framework. */
  readonly distributedHolds: boolean;
  /** Every SSL framework's units memorise more than supervised training's (undefined without supervised). */
  readonly contrastHolds?: boolean;
}

/**
 * The follow-up paper's findings, tested on the study: (1) LayerMem rises with depth, (2)
 * units that memorise individual training points sit in every layer (their most activating
 * point is one the encoder trained on more often than chance), (3) SSL units memorise more
 * than supervised ones, and the points that drive the most memorizing units are themselves
 * highly memorized. `alpha` default 0.05; `topFraction` as `unitMemProfile`.
 */
export function localizationVerdict(study: LocalizationStudy, options: { alpha?: number; seed?: number; topFraction?: number } = {}): LocalizationVerdict {
  const alpha = options.alpha ?? 0.05;
  const fraction = options.topFraction ?? 0.1;
  const rng = createRng(options.seed ?? 0);
  const perSeed = seedLayerMeans(study);
  const encoders = encoderLayers(study).filter((units) => !units.some((r) => r.signed));
  const frameworks = [...new Set(study.layers.array('framework') as string[])];
  const meanUnitMem = (framework: string): number[] =>
    [...groupBy(encoders.filter((u) => u[0].framework === framework), (u) => `${u[0].side}\u0000${u[0].seed}`).values()].map((layers) => avg(layers.map((units) => avg(units.map((r) => r.unit_mem)))));
  const supervised = frameworks.includes('supervised') ? meanUnitMem('supervised') : undefined;
  const layerRows = study.layers.objects() as LayerRow[];
  const result = frameworks
    .filter((f) => f !== 'supervised')
    .map((framework): FrameworkLocalization => {
      const mine = perSeed.filter((r) => r.framework === framework);
      // Spearman's permutation test needs four (layer, seed) pairs: fewer (one seed, three layers) cannot show a trend.
      const trend = mine.length >= 4 ? rankTrend(mine.map((r) => r.depth), mine.map((r) => r.gap), rng.fork(framework), alpha) : { rho: NaN, pValue: NaN, falls: false };
      const byLayer = groupBy(encoders.filter((u) => u[0].framework === framework), (u) => u[0].layer);
      const layers = [...byLayer].map(([layer, list]) => {
        const shares = list.map((units) => avg(topUnits(units, fraction).map((r) => (r.seen ? 1 : 0))));
        const pValue = shares.length > 1 && std(shares) > 0 ? oneSampleTTest(shares, 0.5, { alternative: 'greater' }).pValue : avg(shares) > 0.5 && shares.length > 1 ? 0 : 1;
        return { layer, topSeen: avg(shares), pValue, above: avg(shares) > 0.5 && pValue < alpha };
      });
      let versusSupervised: FrameworkLocalization['versusSupervised'];
      if (supervised !== undefined && supervised.length > 1) {
        const ssl = meanUnitMem(framework);
        const pValue = tTest(ssl, supervised, { alternative: 'greater' }).pValue;
        versusSupervised = { ssl: avg(ssl), supervised: avg(supervised), pValue, higher: pValue < alpha };
      }
      const lastDepth = Math.max(...mine.map((r) => r.depth));
      const scoreOf = new Map([...groupBy(layerRows.filter((r) => r.framework === framework && r.depth === lastDepth && r.set === 'S_C'), (r) => String(r.id))].map(([id, p]) => [Number(id), avg(p.map((r) => r.score_raw))]));
      const driverIds = new Set(encoders.filter((u) => u[0].framework === framework && u[0].side === 'f').flatMap((units) => topUnits(units, fraction)).filter((r) => r.top_set === 'S_C').map((r) => r.top_id));
      const driverScores = [...scoreOf].filter(([id]) => driverIds.has(id)).map(([, v]) => v);
      const otherScores = [...scoreOf].filter(([id]) => !driverIds.has(id)).map(([, v]) => v);
      const dp = driverScores.length > 1 && otherScores.length > 1 ? tTest(driverScores, otherScores, { alternative: 'greater' }).pValue : NaN;
      return {
        framework,
        depth: { rho: trend.rho, pValue: trend.pValue, rises: trend.falls },
        layers,
        distributed: layers.length > 0 && layers.every((l) => l.above),
        ...(versusSupervised === undefined ? {} : { versusSupervised }),
        drivers: { count: driverScores.length, driverScore: avg(driverScores), otherScore: avg(otherScores), pValue: dp, higher: dp < alpha },
      };
    });
  const contrast = result.every((r) => r.versusSupervised !== undefined) && result.length > 0 ? result.every((r) => r.versusSupervised!.higher) : undefined;
  return {
    frameworks: result,
    alpha,
    depthHolds: result.length > 0 && result.every((r) => r.depth.rises),
    distributedHolds: result.length > 0 && result.every((r) => r.distributed),
    ...(contrast === undefined ? {} : { contrastHolds: contrast }),
  };
}
