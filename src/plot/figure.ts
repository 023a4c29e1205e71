/**
 * Plotly figure specs as plain objects: what `Plotly.newPlot(div, data, layout, config)`
 * takes and what the `application/vnd.plotly.v1+json` MIME type carries. Only the fields
 * sslmem uses are typed; any other Plotly attribute may be added.
 */

/** One Plotly trace (`scatter`, `histogram`, `box`, `bar`, ...). Arrays are plain arrays (JSON-safe). */
export interface PlotlyTrace {
  /** Trace type, e.g. `scatter`, `histogram`, `box`, `bar`. */
  type: string;
  /** Legend entry (the colour group's value). */
  name?: string;
  x?: unknown[];
  y?: unknown[];
  /** `markers`, `lines` or `lines+markers` (scatter traces). */
  mode?: string;
  marker?: { color?: string; size?: number; opacity?: number; [key: string]: unknown };
  line?: { color?: string; width?: number; [key: string]: unknown };
  [key: string]: unknown;
}

/** One axis of a layout. */
export interface PlotlyAxis {
  title?: { text: string };
  /** `linear` (default), `log` or `category`. */
  type?: 'linear' | 'log' | 'category';
  [key: string]: unknown;
}

/** Figure layout. */
export interface PlotlyLayout {
  title?: { text: string };
  xaxis?: PlotlyAxis;
  yaxis?: PlotlyAxis;
  /** How bars/histograms of several traces share a position: `overlay`, `group`, `stack`. */
  barmode?: 'overlay' | 'group' | 'stack';
  /** Box traces sharing an x position: `group` puts them side by side. */
  boxmode?: 'overlay' | 'group';
  width?: number;
  height?: number;
  showlegend?: boolean;
  [key: string]: unknown;
}

/** A whole figure: traces, layout and an optional plotly.js config. */
export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout: PlotlyLayout;
  config?: Record<string, unknown>;
}

/**
 * Trace colours, in order of the colour groups (Plotly's default colour sequence), so that
 * the interactive figure and its static PNG agree.
 */
export const defaultColorway: readonly string[] = [
  '#636efa', '#ef553b', '#00cc96', '#ab63fa', '#ffa15a',
  '#19d3f3', '#ff6692', '#b6e880', '#ff97ff', '#fecb52',
];

/** Options every figure helper takes. */
export interface FigureOptions {
  /** Figure title; none by default. */
  title?: string;
  /** x-axis title; the x column's name by default. */
  xTitle?: string;
  /** y-axis title; the y column's name (or the count) by default. */
  yTitle?: string;
  /** Log-scaled x axis. Default false. */
  logX?: boolean;
  /** Log-scaled y axis. Default false. */
  logY?: boolean;
  /** Width in pixels; plotly.js fills its container when omitted. */
  width?: number;
  /** Height in pixels. Default 400. */
  height?: number;
  /** Colours for the colour groups, cycled. Default `defaultColorway`. */
  colors?: readonly string[];
}
