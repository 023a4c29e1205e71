import type { Finding } from '../finding';
import { regimeTable, scalePlan } from './plan';
import { scaleSettings, type ScaleSettings } from './settings';
import { runScale, type ScaleStudy } from './study';
import { scaleSummary } from './summary';
import { scaleFigures } from './figures';
import { scaleVerdict } from './verdict';

/** What each regime trains, one line each, and which regime's encoders the other notebooks share. */
function describeScale(settings: ScaleSettings): string[] {
  const { config } = settings;
  const rows = regimeTable(settings).objects() as Array<Record<string, number | string>>;
  const lines = rows.map(
    (r) =>
      `regime ${r.regime}: S_S/S_C/S_I = ${r.S_S}/${r.S_C}/${r.S_I} of ${r.train_size}, ${r.per_encoder} images per encoder, ${r.epochs} epochs, ${r.seeds} seed(s) per side: ${r.encoders} encoders (${r.shared_with_base} the preset's own)`,
  );
  const own = rows.find((r) => r.shared_with_base === r.encoders);
  if (own) lines.push(`The ${settings.preset} preset is regime ${own.regime}: its ${own.encoders} encoders (split seed ${config.split.seed}) are the ones notebooks 01, 02 and 03 use for split seed ${config.split.seed}.`);
  return lines;
}

/** Notebook 00: at which scale (split shares, epochs, seeds) memorization becomes measurable, and at what cost. */
export const scaleFinding: Finding<ScaleSettings, ScaleStudy> = {
  name: 'scale',
  notebook: '00-choosing-the-scale',
  claim: 'Memorization (S_C > S_S) becomes measurable at a scale a laptop can train: some regime shows it at p < 1e-3 with 500 candidates.',
  settings: scaleSettings,
  describe: describeScale,
  plan: scalePlan,
  run: runScale,
  summary: scaleSummary,
  figures: scaleFigures,
  verdict: scaleVerdict,
};
