import * as aq from 'arquero';
import { lineFigure } from '../../plot/line-figure';
import type { FindingFigure } from '../finding';
import type { ScaleStudy } from './study';
import { allSeedsMeasures } from './summary';

/**
 * The gap over epochs per regime, the evidence (log10 p) against training cost, and the
 * evidence at each regime's last epoch against the number of seeds per side.
 */
export function scaleFigures(study: ScaleStudy): FindingFigure[] {
  const seeds = study.settings.config.seeds.length;
  const allSeeds = allSeedsMeasures(study);
  const log10p = { log10p: (d: { p_value: number }) => Math.log10(d.p_value) };
  const lastEpochs = study.measures.groupby('regime').filter((d: { epoch: number }) => d.epoch === aq.op.max(d.epoch)).ungroup();
  return [
    {
      name: 'gap-over-epochs',
      figure: lineFigure(allSeeds, { x: 'epoch', y: 'gap', color: 'regime', markers: true, title: `Memorization gap S_C - S_S (raw SSLMem), ${seeds} seed(s) per side`, yTitle: 'mean score S_C - mean score S_S' }),
    },
    {
      name: 'evidence-against-cost',
      figure: lineFigure(allSeeds.derive(log10p), { x: 'image_epochs', y: 'log10p', color: 'regime', markers: true, logX: true, title: 'Evidence against training cost: log10 p of S_C > S_S (Welch, one-sided)', xTitle: 'images per encoder x epochs', yTitle: 'log10 p' }),
    },
    {
      name: 'evidence-against-seeds',
      figure: lineFigure(lastEpochs.derive(log10p), { x: 'seeds', y: 'log10p', color: 'regime', markers: true, title: 'More seeds per side (last epoch of each regime): log10 p of S_C > S_S', yTitle: 'log10 p' }),
    },
  ];
}
