import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { lineFigure } from '../../plot/line-figure';
import type { FindingFigure } from '../finding';
import type { PrivacyStudy } from './study';
import { privacyLevelSummary } from './summary';

/** Every framework's per-level means with `inverse_epsilon` (0 without DP) and `framework`, in one table. */
function byInverseEpsilon(study: PrivacyStudy): ColumnTable {
  return Object.entries(study.levels)
    .map(([name, levels]) => privacyLevelSummary(levels).derive({ inverse_epsilon: aq.escape((d: { epsilon: number }) => (d.epsilon === Infinity ? 0 : 1 / d.epsilon)), framework: aq.escape(() => name) }))
    .reduce((a, b) => a.concat(b));
}

/** The memorization gap and the probe accuracy against 1 / epsilon, one line per framework, with sd error bars. */
export function privacyFigures(study: PrivacyStudy): FindingFigure[] {
  const all = byInverseEpsilon(study);
  return [
    {
      name: 'gap-against-privacy',
      figure: lineFigure(all, { x: 'inverse_epsilon', y: 'gap_range', errorY: 'gap_range_sd', color: 'framework', markers: true, title: 'Memorization gap S_C - S_S (SSLMem / range of S_C) against privacy', xTitle: '1 / epsilon (0: no DP)', yTitle: 'gap, range-normalised' }),
    },
    {
      name: 'accuracy-against-privacy',
      figure: lineFigure(all, { x: 'inverse_epsilon', y: 'accuracy', errorY: 'accuracy_sd', color: 'framework', markers: true, title: 'Linear-probe accuracy of f against privacy', xTitle: '1 / epsilon (0: no DP)', yTitle: 'accuracy' }),
    },
  ];
}
