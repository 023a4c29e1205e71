import * as aq from 'arquero';
import { histogramFigure } from '../../plot/histogram-figure';
import { lineFigure } from '../../plot/line-figure';
import type { FindingFigure } from '../finding';
import type { LocalizationStudy } from './study';
import { layerMemProfile } from './summary';

/**
 * The localization figures: LayerMem gap S_C - S_S by depth and the candidates'
 * range-normalised LayerMem by depth (one line per framework), then per framework the
 * UnitMem histogram of the first seed's f over its relu layers.
 */
export function localizationFigures(study: LocalizationStudy): FindingFigure[] {
  const profile = layerMemProfile(study);
  const firstSeed = study.settings.config.seeds[0];
  return [
    { name: 'layermem-gap-by-depth', figure: lineFigure(profile, { x: 'depth', y: 'gap', errorY: 'gap_sd', color: 'framework', markers: true, title: 'LayerMem gap S_C - S_S by depth (1 = hidden1, 3 = out)', xTitle: 'layer depth', yTitle: 'gap (raw)' }) },
    { name: 'candidates-layermem-by-depth', figure: lineFigure(profile, { x: 'depth', y: 'S_C_range', color: 'framework', markers: true, title: "Candidates' mean LayerMem, range-normalised per layer", xTitle: 'layer depth', yTitle: 'S_C (range-normalised)' }) },
    ...study.settings.frameworks.map((name) => {
      const units = study.units.filter(aq.escape((d: { framework: string; side: string; seed: number; signed: boolean }) => d.framework === name && d.side === 'f' && d.seed === firstSeed && !d.signed));
      return { name: `unitmem-${name}`, figure: histogramFigure(units, { x: 'unit_mem', color: 'layer', bins: 25, range: [0, 1], title: `UnitMem of ${name}'s f (seed ${firstSeed}), relu layers`, xTitle: 'UnitMem', yTitle: 'units' }) };
    }),
  ];
}
