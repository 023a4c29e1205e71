import { encodePng } from './encode-png';
import type { PlotlyFigure, PlotlyTrace } from './figure';
import { createRaster, drawText, fillRect, textSize, type Rgba } from './raster';

/** Viridis at a few stops, interpolated linearly. */
const viridis: ReadonlyArray<readonly [number, number, number]> = [
  [68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37],
];

function colorAt(t: number): Rgba {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (viridis.length - 1);
  const i = Math.min(viridis.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [viridis[i]!, viridis[i + 1]!];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2]), 1];
}

/** A static PNG of a one-trace heatmap (`heatmapFigure`): coloured cells with their labels, names on both axes. */
export function heatmapPng(fig: PlotlyFigure, options: { width?: number; height?: number; fontScale?: number } = {}): Uint8Array {
  const t = fig.data[0] as PlotlyTrace & { z: number[][]; zmin: number; zmax: number; text?: string[][] };
  const width = Math.round(options.width ?? (fig.layout.width as number | undefined) ?? 560);
  const height = Math.round(options.height ?? (fig.layout.height as number | undefined) ?? 520);
  const s = options.fontScale ?? 2;
  const xs = (t.x ?? []).map(String);
  const ys = (t.y ?? []).map(String);
  const ink: Rgba = [42, 63, 95, 1];
  const r = createRaster(width, height);
  const title = fig.layout.title?.text;
  const labelWidth = Math.max(...ys.map((l) => textSize(l, s).width)) + 10;
  const top = (title ? 9 * s + 16 : 12) + 0;
  const bottom = height - (9 * s + 14);
  const left = labelWidth;
  const right = width - 12;
  const cw = (right - left) / Math.max(1, xs.length);
  const ch = (bottom - top) / Math.max(1, ys.length);
  const span = t.zmax - t.zmin || 1;
  ys.forEach((_, i) => {
    xs.forEach((_, j) => {
      const v = t.z[i]?.[j] ?? Number.NaN;
      const c = colorAt((v - t.zmin) / span);
      fillRect(r, left + j * cw + 1, top + i * ch + 1, left + (j + 1) * cw - 1, top + (i + 1) * ch - 1, c);
      const label = t.text?.[i]?.[j] ?? '';
      const ls = Math.max(1, Math.min(s, Math.floor((cw - 4) / Math.max(1, textSize(label, 1).width))));
      const light = (c[0] * 0.299 + c[1] * 0.587 + c[2] * 0.114) > 150;
      const size = textSize(label, ls);
      drawText(r, left + (j + 0.5) * cw - size.width / 2, top + (i + 0.5) * ch - (7 * ls) / 2, label, light ? ink : [255, 255, 255, 1], ls);
    });
    drawText(r, 4, top + (i + 0.5) * ch - (7 * s) / 2, ys[i]!, ink, s);
  });
  xs.forEach((name, j) => {
    const maxChars = Math.max(3, Math.floor(cw / (6 * s)));
    const label = name.length > maxChars ? `${name.slice(0, maxChars - 1)}.` : name;
    drawText(r, left + (j + 0.5) * cw - textSize(label, s).width / 2, bottom + 6, label, ink, s);
  });
  if (title) {
    const ts = Math.max(1, Math.min(s, Math.floor((width - 16) / textSize(title, 1).width)));
    drawText(r, Math.max(4, (width - textSize(title, ts).width) / 2), 8, title, ink, ts);
  }
  return encodePng(r.rgba, width, height);
}
