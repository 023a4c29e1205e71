import type { ColumnTable } from 'arquero';
import type { FigureOptions, PlotlyFigure, PlotlyTrace } from './figure';
import { baseLayout, groupColor } from './layout';
import { colorGroups, columnValues, pick } from './table-columns';

/** Options of `scatterFigure`. */
export interface ScatterFigureOptions extends FigureOptions {
  /** Column of the x values. */
  x: string;
  /** Column of the y values. */
  y: string;
  /** Column whose values colour the points (one trace per value); none by default. */
  color?: string;
  /** Legend order of the colour groups (names). */
  colorOrder?: readonly string[];
  /** Column shown when hovering a point (e.g. `id`); none by default. */
  text?: string;
  /** Marker size in pixels. Default 6. */
  size?: number;
  /** Marker opacity. Default 0.8. */
  opacity?: number;
}

/** Defaults of `scatterFigure`'s optional fields. */
export const defaultScatterFigureOptions = { size: 6, opacity: 0.8 } as const;

/** Points `(x, y)`, one coloured trace per value of `color` (e.g. memorization vs. loss per class). */
export function scatterFigure(table: ColumnTable, options: ScatterFigureOptions): PlotlyFigure {
  const where = 'scatterFigure';
  const o = { ...defaultScatterFigureOptions, ...options };
  const xs = columnValues(table, o.x, `${where}: option x`);
  const ys = columnValues(table, o.y, `${where}: option y`);
  const texts = o.text === undefined ? undefined : columnValues(table, o.text, `${where}: option text`);
  const groups = colorGroups(table, o.color, where, o.colorOrder);
  const data = groups.map((g, i) => {
    const trace: PlotlyTrace = {
      type: 'scatter',
      mode: 'markers',
      x: pick(xs, g.rows),
      y: pick(ys, g.rows),
      marker: { color: groupColor(o, i), size: o.size, opacity: o.opacity },
    };
    if (texts) trace.text = pick(texts, g.rows).map(String);
    if (o.color !== undefined) trace.name = g.name;
    return trace;
  });
  return { data, layout: baseLayout(o, o.x, o.y, o.color !== undefined) };
}
