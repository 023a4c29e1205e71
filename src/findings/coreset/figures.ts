import { lineFigure } from '../../plot/line-figure';
import { downstreamTaskText } from '../../measure/downstream-tasks';
import type { FindingFigure } from '../finding';
import { subsetSummary } from '../subset-study';
import type { CoresetStudy } from './study';

const taskTitle: Readonly<Record<string, string>> = { probe: 'MNIST linear probe', fashion: 'Fashion-MNIST linear probe' };

/** Per task, its mean over seeds by the share of the pool kept, one line per condition (with std error bars). */
export function coresetFigures(study: CoresetStudy): FindingFigure[] {
  const summary = subsetSummary(study.table, study.tasks).derive({ kept_percent: (d: { kept: number }) => 100 * d.kept });
  return study.tasks.map((task) => ({
    name: `${task}-by-kept-share`,
    figure: lineFigure(summary, { x: 'kept_percent', y: `${task}_mean`, errorY: `${task}_std`, color: 'condition', markers: true, title: `${taskTitle[task] ?? downstreamTaskText[task]} after training on a subset`, xTitle: '% of the pool kept', yTitle: 'accuracy' }),
  }));
}
