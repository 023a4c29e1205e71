import type { ColumnTable } from 'arquero';
import type { FigureOptions, PlotlyFigure, PlotlyTrace } from './figure';
import { baseLayout, groupColor } from './layout';
import { colorGroups, columnValues, pick } from './table-columns';

/** Options of `barFigure`. */
export interface BarFigureOptions extends FigureOptions {
  /** Column of the bar positions (categories or numbers). */
  x: string;
  /** Column of the bar heights. */
  y: string;
  /** Column whose values give differently coloured bars; none by default. */
  color?: string;
  /** Legend order of the colour groups (names). */
  colorOrder?: readonly string[];
  /** Column of symmetric error bars on y; none by default. */
  errorY?: string;
  /** Several groups at one x: `group` (default, side by side) or `stack`. */
  barmode?: 'group' | 'stack';
  /** Treat x as categories even when numeric. Default: categories when any x is not a number. */
  categorical?: boolean;
}

/** Defaults of `barFigure`'s optional fields. */
export const defaultBarFigureOptions = { barmode: 'group' } as const;

/** Bars of height `y` at `x`, one coloured trace per value of `color` (e.g. accuracy per method). */
export function barFigure(table: ColumnTable, options: BarFigureOptions): PlotlyFigure {
  const where = 'barFigure';
  const o = { ...defaultBarFigureOptions, ...options };
  const rawX = columnValues(table, o.x, `${where}: option x`);
  const categorical = o.categorical ?? rawX.some((v) => typeof v !== 'number');
  const xs = categorical ? rawX.map(String) : rawX;
  const ys = columnValues(table, o.y, `${where}: option y`);
  const errors = o.errorY === undefined ? undefined : columnValues(table, o.errorY, `${where}: option errorY`);
  const groups = colorGroups(table, o.color, where, o.colorOrder);
  const data = groups.map((g, i) => {
    const trace: PlotlyTrace = { type: 'bar', x: pick(xs, g.rows), y: pick(ys, g.rows), marker: { color: groupColor(o, i) } };
    if (errors) trace.error_y = { type: 'data', array: pick(errors, g.rows), visible: true };
    if (o.color !== undefined) trace.name = g.name;
    return trace;
  });
  const layout = baseLayout(o, o.x, o.y, o.color !== undefined);
  layout.barmode = o.barmode;
  if (categorical) layout.xaxis!.type = 'category';
  return { data, layout };
}
