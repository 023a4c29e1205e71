import type { Verdict, VerdictPart } from '../finding';
import { regimeTable } from './plan';
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

/**
 * Whether memorization is measurable at this scale: some regime shows S_C > S_S at
 * p < `alpha` with at least `minCandidates` candidates. Lines: each regime's cheapest
 * significant setting (or that it never got there), then the cheapest overall and where the
 * preset stands.
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
  return { holds: cheapest.length > 0, parts, sentence, lines: [...lines, sentence] };
}
