import * as aq from 'arquero';
import { lineFigure } from '../../plot/line-figure';
import type { FindingFigure } from '../finding';
import type { OverEpochsStudy } from './study';
import { overEpochsBySeed } from './summary';

/** The SSL loss, the probe accuracy and the gap (ratio) of f over epochs: mean and std over seeds. */
export function overEpochsFigures(study: OverEpochsStudy): FindingFigure[] {
  const bySeed = overEpochsBySeed(study);
  const metric = (name: string) => bySeed.filter(aq.escape((d: { metric: string }) => d.metric === name));
  return [
    { name: 'ssl-loss', figure: lineFigure(metric('ssl_loss_f'), { x: 'epoch', y: 'mean', errorY: 'std', markers: true, title: 'SSL loss of f (mean and std over seeds)', yTitle: 'NT-Xent loss' }) },
    { name: 'probe-accuracy', figure: lineFigure(metric('probe_accuracy_f'), { x: 'epoch', y: 'mean', errorY: 'std', markers: true, title: 'Linear-probe accuracy of f (mean and std over seeds)', yTitle: 'test accuracy' }) },
    { name: 'gap-over-epochs', figure: lineFigure(metric('gap_ratio'), { x: 'epoch', y: 'mean', errorY: 'std', markers: true, title: 'Memorization gap S_C - S_S (ratio), one f and one g per seed: mean and std over seeds', yTitle: 'gap' }) },
  ];
}
