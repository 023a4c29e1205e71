import { scatterFigure } from '../../plot/scatter-figure';
import type { FindingFigure } from '../finding';
import { atypicalityMeasures } from './atypicality-tests';
import type { AtypicalStudy } from './study';

/** Class-centred SSLMem against each atypicality measure, candidates and control points. */
export function atypicalFigures(study: AtypicalStudy): FindingFigure[] {
  return atypicalityMeasures.map((measure) => ({
    name: `score-vs-${measure.replace('_', '-')}`,
    figure: scatterFigure(study.points, {
      x: measure,
      y: 'score_centred',
      color: 'set',
      colorOrder: ['S_C', 'S_E'],
      title: `Class-centred SSLMem against ${measure.replace('_', ' ')}`,
      xTitle: measure === 'pixel_atypicality' ? 'mean pixel distance to the 5 nearest same-class S_S images' : "mean distance to the 5 nearest same-class S_S images in g's representation",
      yTitle: 'SSLMem (raw, class-centred)',
    }),
  }));
}
