import { canonicalJson } from '../../runs/canonical-json';
import type { Verdict, VerdictPart } from '../finding';
import { regimeConfigs, regimeTable } from './plan';
import type { ScaleStudy } from './study';
import { cheapestSettings } from './summary';

interface CheapestRow {
  regime: string;
  p_value: number;
  gap: number;
  t: number;
  epoch: number;
  per_encoder: number;
  image_epochs: number;
  train_seconds: number;
}

interface ReliabilityRow {
  regime: string;
  coupling: string;
  epoch: number;
  seeds: number;
  between_seeds: number;
  within_class: number;
  reliability: number;
  low: number;
  high: number;
  ten_seeds: number;
  seeds_for_0_8: number;
}

const seedsWords = (n: number) => (Number.isFinite(n) ? `${n} seeds per side` : 'no number of seeds (the seeds do not agree)');

/**
 * The reliability lines: per regime, at its last epoch, how far the seeds agree on the
 * ranking of the candidates and how many seeds a reliability of 0.8 needs; then, for every
 * coupled regime whose config differs from another regime's only in `train.coupling`, the
 * two side by side at their last epoch (reliability and the gap S_C - S_S with its t).
 */
export function reliabilityLines(study: ScaleStudy): string[] {
  const rows = study.reliability.objects() as ReliabilityRow[];
  if (rows.length === 0) return [];
  const last = (regime: string) => rows.filter((r) => r.regime === regime).reduce((a, b) => (b.epoch > a.epoch ? b : a));
  const lines: string[] = [];
  for (const regime of study.settings.regimes) {
    if (!rows.some((r) => r.regime === regime.name)) continue;
    const r = last(regime.name);
    lines.push(
      `reliability of the ranking of S_C, ${r.regime} at epoch ${r.epoch}: two seeds correlate ${r.between_seeds.toFixed(3)} (${r.within_class.toFixed(3)} within class); the mean of ${r.seeds} seeds ${r.reliability.toFixed(2)} [${r.low.toFixed(2)}, ${r.high.toFixed(2)}], of 10 seeds ${r.ten_seeds.toFixed(2)}; 0.8 takes ${seedsWords(r.seeds_for_0_8)}`,
    );
  }
  const configs = regimeConfigs(study.settings);
  const key = (i: number) => canonicalJson({ ...configs[i], train: { ...configs[i].train, coupling: 'any' } });
  const measures = study.measures.objects() as Array<{ regime: string; epoch: number; seeds: number; gap: number; t: number }>;
  const gapAt = (regime: string, epoch: number) => measures.filter((m) => m.regime === regime && m.epoch === epoch).reduce((a, b) => (b.seeds > a.seeds ? b : a));
  for (const [i, coupled] of study.settings.regimes.entries()) {
    if (configs[i].train.coupling !== 'shared-stream') continue;
    const j = configs.findIndex((c, k) => k !== i && (c.train.coupling ?? 'independent') === 'independent' && key(k) === key(i));
    if (j < 0 || !rows.some((r) => r.regime === coupled.name) || !rows.some((r) => r.regime === study.settings.regimes[j].name)) continue;
    const independent = study.settings.regimes[j].name;
    const a = last(independent);
    const b = last(coupled.name);
    const [ga, gb] = [gapAt(independent, a.epoch), gapAt(coupled.name, b.epoch)];
    lines.push(
      `coupling, ${independent} at epoch ${a.epoch}: two seeds correlate ${a.between_seeds.toFixed(3)} independent, ${b.between_seeds.toFixed(3)} coupled (shared stream); reliability of the ${a.seeds}-seed mean ${a.reliability.toFixed(2)} [${a.low.toFixed(2)}, ${a.high.toFixed(2)}] vs ${b.reliability.toFixed(2)} [${b.low.toFixed(2)}, ${b.high.toFixed(2)}]; gap S_C - S_S ${ga.gap.toFixed(4)} (t = ${ga.t.toFixed(2)}) vs ${gb.gap.toFixed(4)} (t = ${gb.t.toFixed(2)}), at the same cost: ${
        a.high < b.low ? 'coupling agrees better, beyond the intervals' : b.high < a.low ? 'independent training agrees better, beyond the intervals' : 'the intervals overlap, no difference shown'
      }`,
    );
  }
  return lines;
}

/**
 * Whether memorization is measurable at this scale: some regime shows S_C > S_S at
 * p < `alpha` with at least `minCandidates` candidates. Lines: each regime's cheapest
 * significant setting (or that it never got there), the reliability of the candidates'
 * ranking (`reliabilityLines`), then the cheapest overall and where the preset stands.
 */
export function scaleVerdict(study: ScaleStudy): Verdict {
  const { config, regimes, alpha, preset } = study.settings;
  const a = alpha.toExponential().replace('e+', 'e');
  const cheapest = cheapestSettings(study).objects() as CheapestRow[];
  const lines: string[] = [];
  for (const r of cheapest) lines.push(`${r.regime}: p = ${r.p_value.toExponential(2)} (gap ${r.gap.toFixed(4)}, t = ${r.t.toFixed(2)}) from epoch ${r.epoch}: ${r.per_encoder} images x ${r.epoch} epochs = ${r.image_epochs} image-epochs, ${r.train_seconds.toFixed(0)} s per encoder`);
  for (const r of regimes.filter((r) => !cheapest.some((c) => c.regime === r.name))) lines.push(`${r.name}: never significant at p < ${a} in the epochs measured`);
  const own = (regimeTable(study.settings).objects() as Array<{ regime: string; encoders: number; shared_with_base: number }>).find((r) => r.shared_with_base === r.encoders);
  const sentence =
    cheapest.length === 0
      ? `No regime shows S_C > S_S at p < ${a}: memorization is not measurable at this scale.`
      : `Cheapest: ${cheapest[0].regime} (${cheapest[0].image_epochs} image-epochs). The ${preset} preset is ${own ? own.regime : 'none of these regimes'}${own && own.regime === cheapest[0].regime ? ', the cheapest regime' : ''}, trained for ${config.train.epochs} epochs with checkpoints at ${config.train.checkpointEpochs.join(', ')}.`;
  const parts: VerdictPart[] = regimes.map((r) => {
    const row = cheapest.find((c) => c.regime === r.name);
    return {
      name: r.name,
      holds: row !== undefined,
      sentence: row ? `${r.name} shows S_C > S_S at p < ${a} from ${row.image_epochs} image-epochs on.` : `${r.name} never shows S_C > S_S at p < ${a}.`,
    };
  });
  return { holds: cheapest.length > 0, parts, sentence, lines: [...lines, ...reliabilityLines(study), sentence] };
}
