import { oneSampleTTest, tTest } from '../../stats/t-test';
import { pairedSeedsFor, sizeFactorFor } from '../../stats/projection';
import { std } from '../../stats/describe';
import { createRng } from '../../util/rng';
import { rankTrend } from '../../measure/level-summary';
import { formatPValueText } from '../../measure/verdict-text';
import type { Verdict } from '../finding';
import { median } from '../../stats/describe';
import { scoreReliability, type ScoreReliability } from '../../stats/score-reliability';
import { avg, encoderLayers, groupBy, layerMemProfile, seedLayerMeans, topUnits, unitMemProfile, type LayerRow, type LocalizationTables } from './summary';

/** One SSL framework's part of `localizationTests`. */
export interface FrameworkLocalization {
  readonly framework: string;
  /** Does the gap S_C - S_S of LayerMem rise with depth (Spearman over layers and seeds, one-sided permutation p)? */
  readonly depth: { readonly rho: number; readonly pValue: number; readonly rises: boolean };
  /** Per unsigned layer: the share of top units driven by a seen point against chance 0.5 (one-sample t over the encoders, one-sided). */
  readonly layers: ReadonlyArray<{ readonly layer: string; readonly topSeen: number; readonly pValue: number; readonly above: boolean; readonly sd: number; readonly encoders: number }>;
  /** Every unsigned layer holds units that memorise training points. */
  readonly distributed: boolean;
  /** Mean UnitMem of the encoders over the unsigned layers against supervised training's (one-sided Welch, when supervised was run). */
  readonly versusSupervised?: { readonly ssl: number; readonly supervised: number; readonly pValue: number; readonly higher: boolean; readonly sd: number };
  /** Candidates that drive f's top units against the other candidates, by LayerMem of the last layer (one-sided Welch). */
  readonly drivers: { readonly count: number; readonly driverScore: number; readonly otherScore: number; readonly pValue: number; readonly higher: boolean; readonly t: number };
}

/** What `localizationTests` returns. */
export interface LocalizationTests {
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
export function localizationTests(study: LocalizationTables, options: { alpha?: number; seed?: number; topFraction?: number } = {}): LocalizationTests {
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
        return { layer, topSeen: avg(shares), pValue, above: avg(shares) > 0.5 && pValue < alpha, sd: shares.length > 1 ? std(shares) : Number.NaN, encoders: shares.length };
      });
      let versusSupervised: FrameworkLocalization['versusSupervised'];
      if (supervised !== undefined && supervised.length > 1) {
        const ssl = meanUnitMem(framework);
        const pValue = tTest(ssl, supervised, { alternative: 'greater' }).pValue;
        const sd = Math.sqrt((std(ssl) ** 2 + std(supervised) ** 2) / 2);
        versusSupervised = { ssl: avg(ssl), supervised: avg(supervised), pValue, higher: pValue < alpha, sd };
      }
      const lastDepth = Math.max(...mine.map((r) => r.depth));
      const scoreOf = new Map([...groupBy(layerRows.filter((r) => r.framework === framework && r.depth === lastDepth && r.set === 'S_C'), (r) => String(r.id))].map(([id, p]) => [Number(id), avg(p.map((r) => r.score_raw))]));
      const driverIds = new Set(encoders.filter((u) => u[0].framework === framework && u[0].side === 'f').flatMap((units) => topUnits(units, fraction)).filter((r) => r.top_set === 'S_C').map((r) => r.top_id));
      const driverScores = [...scoreOf].filter(([id]) => driverIds.has(id)).map(([, v]) => v);
      const otherScores = [...scoreOf].filter(([id]) => !driverIds.has(id)).map(([, v]) => v);
      const driverTest = driverScores.length > 1 && otherScores.length > 1 ? tTest(driverScores, otherScores, { alternative: 'greater' }) : undefined;
      const dp = driverTest?.pValue ?? NaN;
      return {
        framework,
        depth: { rho: trend.rho, pValue: trend.pValue, rises: trend.falls },
        layers,
        distributed: layers.length > 0 && layers.every((l) => l.above),
        ...(versusSupervised === undefined ? {} : { versusSupervised }),
        drivers: { count: driverScores.length, driverScore: avg(driverScores), otherScore: avg(otherScores), pValue: dp, higher: dp < alpha, t: driverTest?.statistic ?? NaN },
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

/** Below it a ranking of the candidates is mostly the noise of the training runs. */
const reliableEnough = 0.5;

/**
 * Per framework (supervised included), how far its ranking of the candidates by last-layer
 * LayerMem (what the driving-point test compares) can be trusted: `scoreReliability` of the
 * seeds' `score_raw` over the candidates `S_C`; frameworks with one seed are left out.
 */
export function lastLayerReliability(study: LocalizationTables): Array<{ readonly framework: string; readonly reliability: ScoreReliability }> {
  const rows = (study.layers.objects() as Array<LayerRow & { label: number }>).filter((r) => r.set === 'S_C');
  const frameworks = [...new Set(rows.map((r) => r.framework))];
  return frameworks.flatMap((framework) => {
    const mine = rows.filter((r) => r.framework === framework);
    const last = Math.max(...mine.map((r) => r.depth));
    const bySeed = groupBy(mine.filter((r) => r.depth === last), (r) => String(r.seed));
    if (bySeed.size < 2) return [];
    const seeds = [...bySeed.values()].map((list) => [...list].sort((a, b) => a.id - b.id));
    const labels = seeds[0].map((r) => r.label);
    return [{ framework, reliability: scoreReliability(seeds.map((list) => list.map((r) => r.score_raw)), { labels }) }];
  });
}

/** The verdict's reliability line (one, or a line saying it was not measured). */
function reliabilityLine(study: LocalizationTables): string {
  const all = lastLayerReliability(study);
  if (all.length === 0) return 'Reliability of the candidates\' ranking by last-layer LayerMem: not measured (one seed per framework).';
  const typical = median(all.map((r) => r.reliability.reliability));
  const interval = (r: ScoreReliability) => (r.interval === undefined ? '' : ` [${r.interval[0].toFixed(2)}, ${r.interval[1].toFixed(2)}]`);
  return (
    `Reliability of each framework's ranking of its candidates by last-layer LayerMem (what the driving-point test compares; mean of ${all[0].reliability.seeds} seeds, Spearman-Brown, 95% bootstrap interval): ` +
    `${all.map((r) => `${r.framework} ${r.reliability.reliability.toFixed(2)}${interval(r.reliability)}`).join(', ')}` +
    (typical < reliableEnough ? `; mostly the noise of the training runs (median ${typical.toFixed(2)} < ${reliableEnough}), so the driving-point test has little to compare.` : '.')
  );
}

const seedsWords = (n: number, unit: string) => (Number.isFinite(n) ? `${n} ${unit}` : `no number of ${unit}`);

/**
 * What each part that did not hold would take, per SSL framework, the measured effects taken as
 * the truth (p < 0.01, power 0.8; `pairedSeedsFor`): for the units of a layer, the encoders
 * whose top-unit share of seen points tests above chance (one-sample t over encoders); for
 * UnitMem over supervised training, the seeds per side (two samples of equal size, so the
 * one-sample count at sd times sqrt(2)); for the driving candidates, how many times as many
 * candidates (both groups scaled, `sizeFactorFor`). A measured
 * effect against the part is said to be so, not projected.
 */
export function localizationProjection(tests: LocalizationTests): string {
  const against = (what: string) => `${what} against the claim`;
  const per = tests.frameworks.map((f) => {
    const words: string[] = [];
    for (const l of f.layers.filter((l) => !l.above)) {
      const d = l.topSeen - 0.5;
      words.push(d <= 0 ? against(`${l.layer} units (${(100 * l.topSeen).toFixed(0)}% seen)`) : `${l.layer} units ${!(l.sd > 0) ? 'not projectable' : seedsWords(pairedSeedsFor({ meanDifference: d, sdDifference: l.sd }), 'encoders')}`);
    }
    const v = f.versusSupervised;
    if (v !== undefined && !v.higher) {
      const d = v.ssl - v.supervised;
      words.push(d <= 0 ? against(`UnitMem over supervised (${v.ssl.toFixed(3)} vs ${v.supervised.toFixed(3)})`) : `UnitMem over supervised ${!(v.sd > 0) ? 'not projectable' : seedsWords(pairedSeedsFor({ meanDifference: d, sdDifference: v.sd * Math.SQRT2 }), 'seeds per side')}`);
    }
    if (!f.drivers.higher) {
      const t = f.drivers.t;
      words.push(!(t > 0) ? against('driving candidates') : `driving candidates ${Math.ceil(sizeFactorFor(t, 0.01) * 10) / 10} times as many candidates`);
    }
    return `${f.framework}: ${words.length === 0 ? 'every part holds' : words.join('; ')}`;
  });
  return `What it would take (p < 0.01 with power 0.8 if the measured effects were the truth): ${per.join('. ')}.`;
}

/**
 * The localization verdict: the four parts of the follow-up paper's claim (`localizationTests`)
 * for every SSL framework; holds when all four hold. `lines`: the LayerMem profile per
 * framework and layer, the UnitMem profile of the relu layers, each framework's tests, the
 * reliability of the candidates' ranking the driving-point test uses (`lastLayerReliability`),
 * what the parts that did not hold would take (`localizationProjection`), each part's yes or
 * no, then the sentence.
 */
export function localizationVerdict(study: LocalizationTables, options: { alpha?: number; seed?: number; topFraction?: number } = {}): Verdict {
  const tests = localizationTests(study, options);
  const p = (v: number) => formatPValueText(v);
  const lines: string[] = [];
  for (const r of layerMemProfile(study).objects() as Array<{ framework: string; layer: string; S_C: number; S_S: number; gap: number; gap_sd: number; p: number }>) lines.push(`${r.framework} ${r.layer}: S_C ${r.S_C.toExponential(2)}, S_S ${r.S_S.toExponential(2)}, gap ${r.gap.toExponential(2)} +- ${r.gap_sd.toExponential(1)} (${p(r.p)})`);
  for (const r of unitMemProfile(study, { topFraction: options.topFraction }).objects() as Array<{ framework: string; side: string; layer: string; signed: boolean; mean: number; median: number; at_one: number; top_seen: number }>) {
    if (!r.signed) lines.push(`${r.framework} ${r.side} ${r.layer}: UnitMem mean ${r.mean.toFixed(3)}, median ${r.median.toFixed(3)}, ${(r.at_one * 100).toFixed(1)}% of units at 1, top units seen ${(r.top_seen * 100).toFixed(0)}%`);
  }
  for (const f of tests.frameworks) {
    lines.push(`${f.framework}: LayerMem gap ${f.depth.rises ? 'rises' : 'does not rise'} with depth (Spearman rho ${f.depth.rho.toFixed(2)}, one-sided p = ${f.depth.pValue.toFixed(3)})`);
    lines.push(`${f.framework}: top 10% units driven by a seen point: ${f.layers.map((l) => `${l.layer} ${(l.topSeen * 100).toFixed(0)}% (${p(l.pValue)})`).join(', ')}; ${f.distributed ? 'above chance in every relu layer' : 'not above chance in every relu layer'}`);
    if (f.versusSupervised) lines.push(`${f.framework}: mean UnitMem ${f.versusSupervised.ssl.toFixed(3)} vs supervised ${f.versusSupervised.supervised.toFixed(3)} (${p(f.versusSupervised.pValue)}): ${f.versusSupervised.higher ? 'higher' : 'not higher'}`);
    lines.push(`${f.framework}: the ${f.drivers.count} candidates driving f's top units have last-layer LayerMem ${f.drivers.driverScore.toExponential(2)} vs ${f.drivers.otherScore.toExponential(2)} for the other candidates (${p(f.drivers.pValue)}): ${f.drivers.higher ? 'higher' : 'not higher'}`);
  }
  const claims: Array<[string, boolean]> = [
    ['memorization rises with depth', tests.depthHolds],
    ['memorizing units sit in every relu layer', tests.distributedHolds],
    ['SSL units memorise more than supervised ones', tests.contrastHolds === true],
    ['the driving points are the more memorized ones', tests.frameworks.every((f) => f.drivers.higher)],
  ];
  lines.push(reliabilityLine(study));
  lines.push(localizationProjection(tests));
  for (const [claim, holds] of claims) lines.push(`${claim}: ${holds ? 'yes' : 'no'}`);
  const held = claims.filter(([, h]) => h).length;
  const holds = held === claims.length;
  const sentence = `${held} of ${claims.length} parts hold for every SSL framework: the claim ${holds ? 'holds' : 'is not confirmed'} at this scale.`;
  const frameworks = tests.frameworks.map((f) => f.framework).join(', ');
  return {
    holds,
    parts: claims.map(([name, h]) => ({ name, holds: h, sentence: `${name}: ${h ? 'yes' : 'no'} (${frameworks || 'no SSL framework'})` })),
    sentence,
    lines: [...lines, sentence],
  };
}
