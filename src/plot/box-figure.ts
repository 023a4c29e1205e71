import type { ColumnTable } from 'arquero';
import type { FigureOptions, PlotlyFigure, PlotlyTrace } from './figure';
import { baseLayout, groupColor } from './layout';
import { colorGroups, columnValues, pick } from './table-columns';

/** Options of `boxFigure`. */
export interface BoxFigureOptions extends FigureOptions {
  /** Column of the values summarised by each box. */
  y: string;
  /** Column of categories along x (one box per category); a single box by default. */
  x?: string;
  /** Column whose values give differently coloured boxes side by side; none by default. */
  color?: string;
  /** Legend order of the colour groups (names). */
  colorOrder?: readonly string[];
  /** Which points to draw beside the boxes: `outliers` (default), `all` or none (`false`). */
  points?: 'outliers' | 'all' | false;
}

/** Defaults of `boxFigure`'s optional fields. */
export const defaultBoxFigureOptions = { points: 'outliers' } as const;

/**
 * Box plots (median, quartiles, 1.5 IQR whiskers) of `y`, per category of `x` and colour
 * group of `color` (e.g. memorization scores per data set and objective).
 */
export function boxFigure(table: ColumnTable, options: BoxFigureOptions): PlotlyFigure {
  const where = 'boxFigure';
  const o = { ...defaultBoxFigureOptions, ...options };
  const ys = columnValues(table, o.y, `${where}: option y`);
  const xs = o.x === undefined ? undefined : columnValues(table, o.x, `${where}: option x`).map(String);
  const groups = colorGroups(table, o.color, where, o.colorOrder);
  const data = groups.map((g, i) => {
    const trace: PlotlyTrace = {
      type: 'box',
      y: pick(ys, g.rows),
      marker: { color: groupColor(o, i) },
      boxpoints: o.points,
    };
    if (xs) trace.x = pick(xs, g.rows);
    if (o.color !== undefined) trace.name = g.name;
    return trace;
  });
  const layout = baseLayout(o, o.x ?? '', o.y, o.color !== undefined);
  if (xs) layout.xaxis!.type = 'category';
  if (groups.length > 1) layout.boxmode = 'group';
  return { data, layout };
}
