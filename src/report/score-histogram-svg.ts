/** Options of `scoreHistogramSvg`. */
export interface HistogramSvgOptions {
  bins?: number;
  width?: number;
  height?: number;
  /** Shared x range, so the sets' histograms line up. Default: the values' own. */
  range?: readonly [number, number];
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A histogram of `values` as an inline SVG element (bars, the x range and the count of the largest bin), titled `title`. */
export function scoreHistogramSvg(values: readonly number[], title: string, options: HistogramSvgOptions = {}): string {
  const bins = options.bins ?? 30;
  const width = options.width ?? 320;
  const height = options.height ?? 120;
  const finite = values.filter(Number.isFinite);
  const lo = options.range?.[0] ?? Math.min(...finite, 0);
  let hi = options.range?.[1] ?? Math.max(...finite, 0);
  if (hi <= lo) hi = lo + 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of finite) counts[Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)))]++;
  const top = Math.max(1, ...counts);
  const plotH = height - 34;
  const barW = width / bins;
  const bars = counts
    .map((n, i) => {
      const h = (n / top) * plotH;
      return `<rect x="${(i * barW).toFixed(2)}" y="${(18 + plotH - h).toFixed(2)}" width="${Math.max(0, barW - 1).toFixed(2)}" height="${h.toFixed(2)}"><title>${n} point(s) in [${(lo + (i * (hi - lo)) / bins).toPrecision(3)}, ${(lo + ((i + 1) * (hi - lo)) / bins).toPrecision(3)})</title></rect>`;
    })
    .join('');
  return (
    `<svg class="histogram" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escape(title)}">` +
    `<text x="0" y="12">${escape(title)} (n = ${finite.length}, largest bin ${top})</text><g fill="#4c72b0">${bars}</g>` +
    `<text x="0" y="${height - 2}">${lo.toPrecision(3)}</text><text x="${width}" y="${height - 2}" text-anchor="end">${hi.toPrecision(3)}</text></svg>`
  );
}
