import { InputError } from '../util/errors';
import { encodePng } from './encode-png';
import { heatmapPng } from './heatmap-png';
import { defaultColorway, type PlotlyFigure, type PlotlyTrace } from './figure';
import { niceTicks, tickLabel } from './nice-ticks';
import { wrapWords } from './wrap-words';
import { createRaster, drawLine, drawText, fillCircle, fillRect, parseColor, textSize, type Raster, type Rgba } from './raster';

/** Options of `figurePng`. */
export interface FigurePngOptions {
  /** Image width in pixels; the layout's width or 640. */
  width?: number;
  /** Image height in pixels; the layout's height or 400. */
  height?: number;
  /** Size of a font pixel (the font is 5x7). Default 2. */
  fontScale?: number;
}

/** Defaults of `figurePng`. */
export const defaultFigurePngOptions = { width: 640, height: 400, fontScale: 2 } as const;

/** Trace types `figurePng` can draw. */
export const pngTraceTypes: readonly string[] = ['scatter', 'scattergl', 'bar', 'histogram', 'box', 'heatmap'];

/** Whether `figurePng` can draw every trace of `fig`. */
export function canRenderPng(fig: PlotlyFigure): boolean {
  return fig.data.every((t) => pngTraceTypes.includes(t.type ?? 'scatter'));
}

interface Bar { trace: number; pos: number; width: number; base: number; top: number }
interface Box { trace: number; pos: number; width: number; stats: BoxStats; points: number[] }
interface BoxStats { q1: number; median: number; q3: number; low: number; high: number }

/**
 * A static PNG of a figure built from scatter (markers and/or lines), bar, histogram and
 * box traces, as seen where no script runs (GitHub, untrusted notebooks). It follows the
 * spec's colours, bins, bar/box modes, error bars and log axes, not every Plotly detail.
 * Throws `InputError` for other trace types (check with `canRenderPng`).
 */
export function figurePng(fig: PlotlyFigure, options: FigurePngOptions = {}): Uint8Array {
  const width = Math.round(options.width ?? (fig.layout.width as number | undefined) ?? defaultFigurePngOptions.width);
  const height = Math.round(options.height ?? (fig.layout.height as number | undefined) ?? defaultFigurePngOptions.height);
  const s = options.fontScale ?? defaultFigurePngOptions.fontScale;
  if (fig.data.length === 1 && fig.data[0].type === 'heatmap') return heatmapPng(fig, { width, height, fontScale: s });
  fig.data.forEach((t, i) => {
    if (t.type === 'heatmap') throw new InputError(`figurePng: data[${i}]`, 'a heatmap as the only trace', `${fig.data.length} traces`);
    if (!pngTraceTypes.includes(t.type ?? 'scatter')) {
      throw new InputError(`figurePng: data[${i}].type`, `one of ${pngTraceTypes.join(', ')}`, JSON.stringify(t.type));
    }
  });
  const traces = fig.data;
  const colors = traces.map((t, i) => traceColor(t, i));
  const logX = fig.layout.xaxis?.type === 'log';
  const logY = fig.layout.yaxis?.type === 'log';
  const ty = (v: number): number => (logY ? (v > 0 ? Math.log10(v) : NaN) : v);
  const tx = (v: number): number => (logX ? (v > 0 ? Math.log10(v) : NaN) : v);

  // x positions: categories (strings, or an explicit category axis) or numbers.
  const categoryAxis = fig.layout.xaxis?.type === 'category'
    || traces.some((t) => t.type !== 'histogram' && (t.x ?? []).some((v) => typeof v === 'string'))
    || traces.some((t) => t.type === 'box' && t.x === undefined);
  const categories: string[] = [];
  const catIndex = (v: unknown): number => {
    const key = v === undefined ? (categories.length ? categories[0]! : '') : String(v);
    let i = categories.indexOf(key);
    if (i < 0) i = categories.push(key) - 1;
    return i;
  };
  const xPos = (v: unknown): number => (categoryAxis ? catIndex(v) : tx(Number(v)));

  const bars = barMarks(fig, xPos, categoryAxis);
  const boxes = boxMarks(fig, xPos);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const b of bars) {
    xs.push(b.pos - b.width / 2, b.pos + b.width / 2);
    ys.push(ty(b.base), ty(b.top));
  }
  for (const b of boxes) {
    xs.push(b.pos - b.width / 2, b.pos + b.width / 2);
    ys.push(ty(b.stats.low), ty(b.stats.high), ...b.points.map(ty));
  }
  traces.forEach((t) => {
    if (!isScatter(t)) return;
    (t.x ?? []).forEach((x, j) => {
      const y = numberAt(t.y, j);
      xs.push(xPos(x));
      ys.push(ty(y));
      const e = numberAt(errorArray(t), j);
      if (Number.isFinite(e)) ys.push(ty(y - e), ty(y + e));
    });
  });
  const [xLo, xHi] = categoryAxis ? [-0.5, Math.max(1, categories.length) - 0.5] : paddedRange(xs.filter(Number.isFinite), 0.04);
  const [yLo, yHi] = paddedRange(ys.filter(Number.isFinite), 0.06);

  // Frame: title, axis titles, tick labels, legend.
  const ink: Rgba = [42, 63, 95, 1];
  const title = fig.layout.title?.text;
  const xTitle = fig.layout.xaxis?.title?.text ?? '';
  const yTitle = fig.layout.yaxis?.title?.text ?? '';
  const yTicks = niceTicks(yLo, yHi, logY);
  const yStep = yTicks.length > 1 ? yTicks[1]! - yTicks[0]! : 1;
  const yLabels = yTicks.map((v) => axisLabel(v, yStep, logY));
  const legend = traces.map((t, i) => ({ name: t.name, color: colors[i]! })).filter((e) => e.name !== undefined && e.name !== '');
  const showLegend = fig.layout.showlegend !== false && legend.length > 0;
  const charH = 9 * s; // glyph height with descenders; capitals are 7 * s
  const legendWidth = showLegend ? Math.min(width / 3, Math.max(...legend.map((e) => textSize(e.name!, s).width)) + 4 * s + charH) + 12 : 0;
  const left = 10 + (yTitle ? charH + 8 : 0) + Math.max(...yLabels.map((l) => textSize(l, s).width)) + 6;
  // A title wider than the image wraps onto more lines (at most 3, the last one cut).
  // A title is as wide as the image allows (2 px each side, as before), so titles that fit keep their place.
  const titleChars = (width - 4 + s) / (6 * s);
  const titleLines = title ? wrapWords(title, titleChars) : [];
  if (titleLines.length > 3) titleLines.splice(2, titleLines.length - 2, `${titleLines.slice(2).join(' ').slice(0, Math.max(1, Math.floor(titleChars) - 3))}...`);
  const top = titleLines.length > 0 ? titleLines.length * (charH + 4) + 12 : 12;
  const bottom = height - (10 + (xTitle ? charH + 8 : 0) + charH + 8);
  const right = width - 12 - legendWidth;
  const r = createRaster(width, height);
  const px = (x: number): number => left + ((x - xLo) / (xHi - xLo)) * (right - left);
  const py = (y: number): number => bottom - ((y - yLo) / (yHi - yLo)) * (bottom - top);
  fillRect(r, left, top, right, bottom, [229, 236, 246, 1]);
  const grid: Rgba = [255, 255, 255, 1];
  yTicks.forEach((v, i) => {
    const y = Math.round(py(v)) + 0.5;
    if (y < top || y > bottom) return;
    drawLine(r, left, y, right, y, grid, 1);
    const { width: w } = textSize(yLabels[i]!, s);
    drawText(r, left - 6 - w, y - (7 * s) / 2, yLabels[i]!, ink, s);
  });
  if (categoryAxis) {
    const slot = (right - left) / Math.max(1, xHi - xLo);
    const maxChars = Math.max(1, Math.floor(slot / (6 * s)) - 1);
    const every = Math.max(1, Math.ceil(3 / maxChars));
    categories.forEach((c, i) => {
      if (i % every !== 0) return;
      const label = c.length > Math.max(3, maxChars * every) ? `${c.slice(0, Math.max(2, maxChars * every - 1))}.` : c;
      drawText(r, px(i) - textSize(label, s).width / 2, bottom + 6, label, ink, s);
    });
  } else {
    const xTicks = niceTicks(xLo, xHi, logX, Math.max(2, Math.min(8, Math.floor((right - left) / (70 * s / 2)))));
    const xStep = xTicks.length > 1 ? xTicks[1]! - xTicks[0]! : 1;
    xTicks.forEach((v) => {
      const x = Math.round(px(v)) + 0.5;
      if (x < left || x > right) return;
      drawLine(r, x, top, x, bottom, grid, 1);
      const label = axisLabel(v, xStep, logX);
      drawText(r, x - textSize(label, s).width / 2, bottom + 6, label, ink, s);
    });
  }
  titleLines.forEach((line, i) => drawText(r, (width - textSize(line, s).width) / 2, 8 + i * (charH + 4), line, ink, s));
  // Axis titles longer than their axis are drawn smaller (scale 1), then cut with '...'.
  const fitted = (text: string, room: number): { text: string; scale: number } => {
    const scale = textSize(text, s).width <= room || s === 1 ? s : 1;
    const maxChars = Math.max(4, Math.floor(room / (6 * scale)));
    return { text: text.length > maxChars ? `${text.slice(0, maxChars - 3)}...` : text, scale };
  };
  if (xTitle) {
    const x = fitted(xTitle, right - left);
    drawText(r, (left + right - textSize(x.text, x.scale).width) / 2, height - 8 - charH, x.text, ink, x.scale);
  }
  if (yTitle) {
    const y = fitted(yTitle, bottom - top);
    drawText(r, 8, (top + bottom + textSize(y.text, y.scale).width) / 2, y.text, ink, y.scale, true);
  }
  if (showLegend) {
    legend.forEach((e, i) => {
      const y = top + i * (charH + 6);
      const x = right + 12;
      fillRect(r, x, y, x + 7 * s, y + 7 * s, parseColor(e.color));
      const maxChars = Math.max(1, Math.floor((width - x - charH - 4 * s) / (6 * s)));
      const name = e.name!.length > maxChars ? `${e.name!.slice(0, maxChars - 1)}.` : e.name!;
      drawText(r, x + charH + 4 * s, y, name, ink, s);
    });
  }

  // Marks.
  for (const b of bars) {
    const t = traces[b.trace]!;
    const color = parseColor(colors[b.trace], opacityOf(t));
    const yb = Number.isFinite(ty(b.base)) ? py(ty(b.base)) : bottom;
    fillRect(r, px(b.pos - b.width / 2), py(ty(b.top)), px(b.pos + b.width / 2), yb, color);
  }
  for (const b of boxes) {
    const color = parseColor(colors[b.trace]);
    const fill = parseColor(colors[b.trace], 0.35);
    const [x0, x1, xm] = [px(b.pos - b.width / 2), px(b.pos + b.width / 2), px(b.pos)];
    const st = b.stats;
    fillRect(r, x0, py(ty(st.q3)), x1, py(ty(st.q1)), fill);
    for (const y of [st.q1, st.q3, st.median]) drawLine(r, x0, py(ty(y)), x1, py(ty(y)), color, 2);
    drawLine(r, x0, py(ty(st.q1)), x0, py(ty(st.q3)), color, 2);
    drawLine(r, x1, py(ty(st.q1)), x1, py(ty(st.q3)), color, 2);
    drawLine(r, xm, py(ty(st.q1)), xm, py(ty(st.low)), color, 1.5);
    drawLine(r, xm, py(ty(st.q3)), xm, py(ty(st.high)), color, 1.5);
    const cap = (x1 - x0) / 4;
    drawLine(r, xm - cap, py(ty(st.low)), xm + cap, py(ty(st.low)), color, 1.5);
    drawLine(r, xm - cap, py(ty(st.high)), xm + cap, py(ty(st.high)), color, 1.5);
    for (const p of b.points) fillCircle(r, xm, py(ty(p)), 2.5, color);
  }
  traces.forEach((t, i) => {
    if (!isScatter(t)) return;
    const mode = t.mode ?? ((t.x?.length ?? 0) > 20 ? 'lines' : 'lines+markers');
    const color = parseColor(colors[i], opacityOf(t));
    const pts = (t.x ?? []).map((x, j) => [px(xPos(x)), py(ty(numberAt(t.y, j)))] as const);
    if (mode.includes('lines')) {
      const w = Number((t.line?.width as number | undefined) ?? 2);
      for (let j = 1; j < pts.length; j++) {
        const [a, b] = [pts[j - 1]!, pts[j]!];
        if ([...a, ...b].every(Number.isFinite)) drawLine(r, a[0], a[1], b[0], b[1], color, w);
      }
    }
    if (mode.includes('markers')) {
      const radius = Number(t.marker?.size ?? 6) / 2;
      for (const [x, y] of pts) if (Number.isFinite(x) && Number.isFinite(y)) fillCircle(r, x, y, radius, color);
    }
    const errors = errorArray(t);
    if (errors) {
      (t.x ?? []).forEach((x, j) => {
        const [y, e] = [numberAt(t.y, j), numberAt(errors, j)];
        if (!Number.isFinite(y) || !Number.isFinite(e)) return;
        const xp = px(xPos(x));
        drawErrorBar(r, xp, py(ty(y - e)), py(ty(y + e)), color);
      });
    }
  });
  for (const b of bars) {
    const e = (b as Bar & { error?: number }).error;
    if (e !== undefined && Number.isFinite(e)) drawErrorBar(r, px(b.pos), py(ty(b.top - e)), py(ty(b.top + e)), parseColor('#444444'));
  }
  return encodePng(r.rgba, width, height);
}

function drawErrorBar(r: Raster, x: number, y0: number, y1: number, color: Rgba): void {
  drawLine(r, x, y0, x, y1, color, 1.5);
  drawLine(r, x - 4, y0, x + 4, y0, color, 1.5);
  drawLine(r, x - 4, y1, x + 4, y1, color, 1.5);
}

function isScatter(t: PlotlyTrace): boolean {
  return t.type === undefined || t.type === 'scatter' || t.type === 'scattergl';
}

function traceColor(t: PlotlyTrace, i: number): string {
  const c = t.marker?.color ?? t.line?.color;
  return typeof c === 'string' ? c : defaultColorway[i % defaultColorway.length]!;
}

function opacityOf(t: PlotlyTrace): number {
  const o = t.opacity ?? t.marker?.opacity;
  return typeof o === 'number' ? o : 1;
}

function numberAt(values: unknown[] | undefined, j: number): number {
  const v = values?.[j];
  return v === null || v === undefined || v === '' ? NaN : Number(v);
}

function errorArray(t: PlotlyTrace): unknown[] | undefined {
  const e = t.error_y as { array?: unknown[]; visible?: boolean } | undefined;
  return e && e.visible !== false && Array.isArray(e.array) ? e.array : undefined;
}

function axisLabel(v: number, step: number, log: boolean): string {
  if (!log) return tickLabel(v, step);
  const value = 10 ** v;
  if (value >= 1e-3 && value < 1e5) return String(Number(value.toPrecision(1)));
  return value.toExponential(0).replace('e+', 'e');
}

function paddedRange(values: number[], pad: number): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi === lo) [lo, hi] = [lo - 0.5, hi + 0.5];
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}

/** Bars of bar and histogram traces, after binning, grouping and stacking. */
function barMarks(fig: PlotlyFigure, xPos: (v: unknown) => number, categoryAxis: boolean): Bar[] {
  const mode = fig.layout.barmode ?? 'group';
  const barTraces = fig.data.map((t, i) => ({ t, i })).filter(({ t }) => t.type === 'bar' || t.type === 'histogram');
  if (barTraces.length === 0) return [];
  const raw: (Bar & { error?: number })[][] = barTraces.map(({ t, i }) => {
    if (t.type === 'histogram') return histogramBars(fig, t, i);
    const xs = (t.x ?? []).map(xPos);
    const errors = errorArray(t);
    const positions = [...new Set(xs.filter(Number.isFinite))].sort((a, b) => a - b);
    const gaps = positions.slice(1).map((p, k) => p - positions[k]!);
    const slot = categoryAxis ? 1 : gaps.length ? Math.min(...gaps) : 1;
    return xs.map((pos, j) => ({ trace: i, pos, width: slot * 0.8, base: 0, top: numberAt(t.y, j), error: numberAt(errors, j) }));
  });
  const k = raw.length;
  if (mode === 'group' && k > 1) {
    raw.forEach((bars, g) => bars.forEach((b) => {
      const w = b.width / k;
      b.pos = b.pos - b.width / 2 + w * (g + 0.5);
      b.width = w;
    }));
  } else if (mode === 'stack') {
    const up = new Map<number, number>();
    const down = new Map<number, number>();
    for (const bars of raw) {
      for (const b of bars) {
        const acc = b.top >= 0 ? up : down;
        const base = acc.get(b.pos) ?? 0;
        b.base = base;
        b.top = base + b.top;
        acc.set(b.pos, b.top);
      }
    }
  }
  return raw.flat().filter((b) => Number.isFinite(b.pos) && Number.isFinite(b.top));
}

/** Bars of one histogram trace, binned like Plotly with explicit `xbins` (else 30 shared auto bins). */
function histogramBars(fig: PlotlyFigure, t: PlotlyTrace, i: number): Bar[] {
  const values = (t.x ?? []).map((v) => (v === null ? NaN : Number(v))).filter(Number.isFinite);
  let bins = t.xbins as { start: number; end: number; size: number } | undefined;
  if (!bins) {
    const all = fig.data.filter((u) => u.type === 'histogram').flatMap((u) => (u.x ?? []).map(Number)).filter(Number.isFinite);
    const lo = all.length ? Math.min(...all) : 0;
    const hi = all.length ? Math.max(...all) : 1;
    const size = ((hi - lo) || 1) / 30 * (1 + 1e-9);
    bins = { start: hi === lo ? lo - 0.5 : lo, end: 0, size };
    bins.end = bins.start + 30 * size;
  }
  const n = Math.max(1, Math.ceil((bins.end - bins.start) / bins.size - 1e-9));
  const counts = new Array<number>(n).fill(0);
  for (const v of values) {
    const b = Math.floor((v - bins.start) / bins.size);
    if (b >= 0 && b < n) counts[b]!++;
  }
  const total = values.length || 1;
  const norm = (c: number): number => {
    switch (t.histnorm) {
      case 'percent': return (100 * c) / total;
      case 'probability': return c / total;
      case 'density': return c / bins!.size;
      case 'probability density': return c / (total * bins!.size);
      default: return c;
    }
  };
  return counts.map((c, b) => ({ trace: i, pos: bins!.start + (b + 0.5) * bins!.size, width: bins!.size, base: 0, top: norm(c) }));
}

/** Box statistics per trace and x category. */
function boxMarks(fig: PlotlyFigure, xPos: (v: unknown) => number): Box[] {
  const boxTraces = fig.data.map((t, i) => ({ t, i })).filter(({ t }) => t.type === 'box');
  const k = boxTraces.length;
  const grouped = fig.layout.boxmode === 'group' && k > 1;
  return boxTraces.flatMap(({ t, i }, g) => {
    const byPos = new Map<number, number[]>();
    (t.y ?? []).forEach((v, j) => {
      const y = v === null ? NaN : Number(v);
      if (!Number.isFinite(y)) return;
      const pos = xPos(t.x === undefined ? undefined : t.x[j]);
      const list = byPos.get(pos);
      if (list) list.push(y);
      else byPos.set(pos, [y]);
    });
    return [...byPos].map(([pos, ys]) => {
      const stats = boxStats(ys);
      const width = grouped ? 0.8 / k : 0.6;
      const center = grouped ? pos - 0.4 + width * (g + 0.5) : pos;
      const points = t.boxpoints === false ? [] : t.boxpoints === 'all' ? ys : ys.filter((y) => y < stats.low || y > stats.high);
      return { trace: i, pos: center, width: width * 0.8, stats, points };
    });
  });
}

/** Quartiles (linear interpolation) and whisker ends (furthest data within 1.5 IQR). */
export function boxStats(values: readonly number[]): BoxStats {
  const v = [...values].sort((a, b) => a - b);
  const q = (p: number): number => {
    const h = (v.length - 1) * p;
    const lo = Math.floor(h);
    return v[lo]! + (h - lo) * ((v[Math.min(v.length - 1, lo + 1)] ?? v[lo]!) - v[lo]!);
  };
  const [q1, median, q3] = [q(0.25), q(0.5), q(0.75)];
  const iqr = q3 - q1;
  const low = v.find((x) => x >= q1 - 1.5 * iqr) ?? q1;
  const high = [...v].reverse().find((x) => x <= q3 + 1.5 * iqr) ?? q3;
  return { q1, median, q3, low, high };
}
