import { InputError } from '../util/errors';
import type { PlotlyFigure } from './figure';

/** Options of `heatmapFigure`. */
export interface HeatmapFigureOptions {
  title?: string;
  /** Colour range; default the matrix's off-diagonal range widened to include 0. */
  zmin?: number;
  zmax?: number;
  /** Digits of the number printed in each cell. Default 2. */
  digits?: number;
  width?: number;
  height?: number;
}

/**
 * A square heatmap of `matrix[i][j]` over `names` (rows top to bottom, columns left to
 * right), each cell labelled with its value: an agreement matrix between models.
 */
export function heatmapFigure(matrix: readonly (readonly number[])[], names: readonly string[], options: HeatmapFigureOptions = {}): PlotlyFigure {
  if (matrix.length !== names.length || matrix.some((row) => row.length !== names.length)) {
    throw new InputError('heatmapFigure matrix', `${names.length} x ${names.length} values (one row and column per name)`, `${matrix.length} rows`);
  }
  const offDiagonal = matrix.flatMap((row, i) => row.filter((v, j) => i !== j && Number.isFinite(v)));
  const zmin = options.zmin ?? Math.min(0, ...offDiagonal);
  const zmax = options.zmax ?? Math.max(0, ...offDiagonal);
  const digits = options.digits ?? 2;
  return {
    data: [
      {
        type: 'heatmap',
        x: [...names],
        y: [...names],
        z: matrix.map((row) => [...row]),
        zmin,
        zmax,
        colorscale: 'Viridis',
        text: matrix.map((row) => row.map((v) => (Number.isFinite(v) ? v.toFixed(digits) : ''))),
        texttemplate: '%{text}',
        hovertemplate: '%{y} / %{x}: %{z}<extra></extra>',
      },
    ],
    layout: {
      title: options.title === undefined ? undefined : { text: options.title },
      xaxis: { type: 'category' },
      yaxis: { type: 'category', autorange: 'reversed' },
      width: options.width ?? 640,
      height: options.height ?? 520,
    },
  };
}
