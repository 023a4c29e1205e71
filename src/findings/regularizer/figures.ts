import { lineFigure } from '../../plot/line-figure';
import type { FindingFigure } from '../finding';
import type { RegularizerStudy } from './study';
import { regularizerLevelSummary } from './summary';

/** The memorization gap, the probe accuracy and f's alignment loss against the weight, with sd error bars. */
export function regularizerFigures(study: RegularizerStudy): FindingFigure[] {
  const summary = regularizerLevelSummary(study.levels);
  return [
    { name: 'gap-against-weight', figure: lineFigure(summary, { x: 'weight', y: 'gap_raw', errorY: 'gap_raw_sd', markers: true, title: 'Memorization gap S_C - S_S (raw SSLMem) against the regulariser weight', xTitle: 'weight', yTitle: 'gap (raw)' }) },
    { name: 'accuracy-against-weight', figure: lineFigure(summary, { x: 'weight', y: 'accuracy', errorY: 'accuracy_sd', markers: true, title: 'Linear-probe accuracy of f against the regulariser weight', xTitle: 'weight', yTitle: 'accuracy' }) },
    { name: 'alignment-against-weight', figure: lineFigure(summary, { x: 'weight', y: 'align_f_S_C', errorY: 'align_f_S_C_sd', markers: true, title: "f's alignment loss on its candidates against the weight", xTitle: 'weight', yTitle: 'alignment loss' }) },
  ];
}
