import { lineFigure } from '../../plot/line-figure';
import { downstreamTaskText } from '../../measure/downstream-tasks';
import type { FindingFigure } from '../finding';
import { subsetSummary } from '../subset-study';
import type { RemovalStudy } from './study';

/** Per task, its mean over seeds by the share of the pool removed, one line per condition (with std error bars). */
export function removalFigures(study: RemovalStudy): FindingFigure[] {
  const byRemoval = subsetSummary(study.table, study.tasks).derive({ removed_percent: (d: { kept: number }) => Math.round(100 * (1 - d.kept)) });
  return study.tasks.map((task) => ({
    name: `${task}-by-removed-share`,
    figure: lineFigure(byRemoval, { x: 'removed_percent', y: `${task}_mean`, errorY: `${task}_std`, color: 'condition', markers: true, title: `${downstreamTaskText[task]} after removing points`, xTitle: '% of the pool removed', yTitle: task }),
  }));
}
