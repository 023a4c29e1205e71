import { agreementMatrix } from '../../measure/frameworks-agree';
import { heatmapFigure } from '../../plot/heatmap-figure';
import type { FindingFigure } from '../finding';
import type { FrameworksStudy } from './study';

/** One heatmap per agreement metric (Spearman's rho, each top-k% Jaccard) over every pair of frameworks. */
export function frameworksFigures(study: FrameworksStudy): FindingFigure[] {
  const names = Object.keys(study.configs);
  return study.agreement.metrics.map((metric) => {
    const label = metric === 'spearman' ? 'Spearman rho' : `top-${metric.split('_')[1]}% Jaccard`;
    return { name: metric.replace('_', '-'), figure: heatmapFigure(agreementMatrix(study.agreement, names, metric), names, { title: `${label} of class-centred memorization scores on S_C` }) };
  });
}
