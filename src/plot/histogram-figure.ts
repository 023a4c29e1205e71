import type { ColumnTable } from 'arquero';
import { check } from '../util/errors';
import type { FigureOptions, PlotlyFigure, PlotlyTrace } from './figure';
import { baseLayout, groupColor } from './layout';
import { colorGroups, columnValues, pick } from './table-columns';

/** Options of `histogramFigure`. */
export interface HistogramFigureOptions extends FigureOptions {
  /** Column of the values to bin (numbers). */
  x: string;
  /** Column whose values split the rows into coloured histograms; none by default. */
  color?: string;
  /** Legend order of the colour groups (names); by value or first appearance otherwise. */
  colorOrder?: readonly string[];
  /** Number of bins, shared by all colour groups. Default 30. */
  bins?: number;
  /** `[low, high]` of the binned range; the data's min and max by default. */
  range?: readonly [number, number];
  /** Bar height: `count` (default), `percent`, `probability`, `density`, `probability density`. */
  histnorm?: 'count' | 'percent' | 'probability' | 'density' | 'probability density';
  /** Several groups: `overlay` (default, translucent), `stack` or `group`. */
  barmode?: 'overlay' | 'stack' | 'group';
  /** Bar opacity; default 0.6 when groups overlay, else 1. */
  opacity?: number;
}

/** Defaults of `histogramFigure`'s optional fields. */
export const defaultHistogramFigureOptions = { bins: 30, histnorm: 'count', barmode: 'overlay' } as const;

/**
 * A histogram of column `x` of `table`, one trace per value of `color`, all sharing the
 * same explicit bins (`xbins`), so overlaid groups compare bin by bin.
 */
export function histogramFigure(table: ColumnTable, options: HistogramFigureOptions): PlotlyFigure {
  const where = 'histogramFigure';
  const o = { ...defaultHistogramFigureOptions, ...options };
  check(Number.isInteger(o.bins) && o.bins > 0, `${where}: option bins`, 'a positive integer', String(o.bins));
  const values = columnValues(table, o.x, `${where}: option x`).map((v) => (v === null || v === undefined ? NaN : Number(v)));
  const finite = values.filter((v) => Number.isFinite(v));
  let [lo, hi] = o.range ?? [Math.min(...finite), Math.max(...finite)];
  if (finite.length === 0 && !o.range) [lo, hi] = [0, 1];
  check(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi, `${where}: option range`, 'finite [low, high] with low <= high', `[${lo}, ${hi}]`);
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  // A hair wider than (hi - lo) / bins so that the maximum falls inside the last bin.
  const size = ((hi - lo) / o.bins) * (1 + 1e-9);
  const groups = colorGroups(table, o.color, where, o.colorOrder);
  const overlay = o.barmode === 'overlay' && groups.length > 1;
  const data: PlotlyTrace[] = groups.map((g, i) => {
    const trace: PlotlyTrace = {
      type: 'histogram',
      x: pick(values, g.rows).map((v) => (Number.isFinite(v) ? v : null)),
      xbins: { start: lo, end: lo + size * o.bins, size },
      marker: { color: groupColor(o, i) },
      opacity: o.opacity ?? (overlay ? 0.6 : 1),
    };
    if (o.histnorm !== 'count') trace.histnorm = o.histnorm;
    if (o.color !== undefined) trace.name = g.name;
    return trace;
  });
  const yTitle = o.histnorm === 'count' ? 'count' : o.histnorm;
  const layout = baseLayout(o, o.x, yTitle, o.color !== undefined);
  layout.barmode = o.barmode;
  return { data, layout };
}
