import type { ColumnTable } from 'arquero';
import type { FigureOptions, PlotlyFigure, PlotlyTrace } from './figure';
import { baseLayout, groupColor } from './layout';
import { colorGroups, columnValues, pick } from './table-columns';

/** Options of `lineFigure`. */
export interface LineFigureOptions extends FigureOptions {
  /** Column of the x values (e.g. `epoch`). */
  x: string;
  /** Column of the y values (e.g. `value`). */
  y: string;
  /** Column whose values give one line each (e.g. `run`); one line by default. */
  color?: string;
  /** Legend order of the colour groups (names). */
  colorOrder?: readonly string[];
  /** Column of symmetric error bars on y (e.g. a standard deviation); none by default. */
  errorY?: string;
  /** Also draw a marker at each point. Default false. */
  markers?: boolean;
  /** Sort each line's points by x. Default true. */
  sortX?: boolean;
}

/** Defaults of `lineFigure`'s optional fields. */
export const defaultLineFigureOptions = { markers: false, sortX: true } as const;

/** Lines of `y` against `x`, one per value of `color` (e.g. a training history per run). */
export function lineFigure(table: ColumnTable, options: LineFigureOptions): PlotlyFigure {
  const where = 'lineFigure';
  const o = { ...defaultLineFigureOptions, ...options };
  const xs = columnValues(table, o.x, `${where}: option x`);
  const ys = columnValues(table, o.y, `${where}: option y`);
  const errors = o.errorY === undefined ? undefined : columnValues(table, o.errorY, `${where}: option errorY`);
  const groups = colorGroups(table, o.color, where, o.colorOrder);
  const data = groups.map((g, i) => {
    let rows = g.rows;
    if (o.sortX) rows = [...rows].sort((a, b) => compare(xs[a], xs[b]) || a - b);
    const color = groupColor(o, i);
    const trace: PlotlyTrace = {
      type: 'scatter',
      mode: o.markers ? 'lines+markers' : 'lines',
      x: pick(xs, rows),
      y: pick(ys, rows),
      line: { color },
      marker: { color },
    };
    if (errors) trace.error_y = { type: 'data', array: pick(errors, rows), visible: true };
    if (o.color !== undefined) trace.name = g.name;
    return trace;
  });
  return { data, layout: baseLayout(o, o.x, o.y, o.color !== undefined) };
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}
