import { defaultColorway, type FigureOptions, type PlotlyLayout } from './figure';

/** The layout every helper starts from: titles, axis types and size from `FigureOptions`. */
export function baseLayout(options: FigureOptions, xTitle: string, yTitle: string, showLegend: boolean): PlotlyLayout {
  const layout: PlotlyLayout = {
    xaxis: { title: { text: options.xTitle ?? xTitle } },
    yaxis: { title: { text: options.yTitle ?? yTitle } },
    height: options.height ?? 400,
    showlegend: showLegend,
  };
  if (options.title !== undefined) layout.title = { text: options.title };
  if (options.logX) layout.xaxis!.type = 'log';
  if (options.logY) layout.yaxis!.type = 'log';
  if (options.width !== undefined) layout.width = options.width;
  return layout;
}

/** Colour of the `i`-th colour group. */
export function groupColor(options: FigureOptions, i: number): string {
  const colors = options.colors && options.colors.length > 0 ? options.colors : defaultColorway;
  return colors[i % colors.length]!;
}
