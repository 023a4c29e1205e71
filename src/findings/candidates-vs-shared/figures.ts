import { boxFigure } from '../../plot/box-figure';
import { histogramFigure } from '../../plot/histogram-figure';
import { scatterFigure } from '../../plot/scatter-figure';
import type { FindingFigure } from '../finding';
import type { CandidatesVsSharedStudy } from './study';
import { firstSplitScores } from './summary';

/** The first split's raw scores per set (histogram, box) and alignment loss of f against memorization. */
export function candidatesVsSharedFigures(study: CandidatesVsSharedStudy): FindingFigure[] {
  const seed = study.settings.splitSeeds[0];
  const first = firstSplitScores(study);
  const sides = first.filter((d: { set: string }) => d.set === 'S_C' || d.set === 'S_S');
  return [
    { name: 'scores-per-set', figure: histogramFigure(first, { x: 'score_raw', color: 'set', colorOrder: ['S_C', 'S_S', 'S_I', 'S_E'], bins: 40, histnorm: 'probability', title: `SSLMem (raw) per set, split seed ${seed}` }) },
    { name: 'scores-box', figure: boxFigure(first, { x: 'set', y: 'score_raw', title: `SSLMem (raw) per set, split seed ${seed}` }) },
    { name: 'alignment-vs-memorization', figure: scatterFigure(sides, { x: 'align_f', y: 'score_raw', color: 'set', title: 'Alignment loss of f vs memorization (per point)', xTitle: 'alignment loss of f', yTitle: 'SSLMem (raw)' }) },
  ];
}
