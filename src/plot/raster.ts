import { glyph, glyphHeight, glyphWidth, textWidth } from './bitmap-font';

/** An RGBA image being drawn: `width * height * 4` bytes, row-major, opaque background. */
export interface Raster {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
}

/** An RGB colour with alpha in [0, 1]. */
export type Rgba = readonly [number, number, number, number];

/** A raster filled with `background`. */
export function createRaster(width: number, height: number, background: Rgba = [255, 255, 255, 1]): Raster {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([background[0], background[1], background[2], 255], i * 4);
  return { width, height, rgba };
}

/**
 * Parses `#rgb`, `#rrggbb`, `rgb(r, g, b)`, `rgba(r, g, b, a)` and a few names; unknown
 * strings give grey. `alpha` multiplies the colour's own alpha.
 */
export function parseColor(color: string | undefined, alpha = 1): Rgba {
  const named: Record<string, string> = { black: '#000000', white: '#ffffff', gray: '#808080', grey: '#808080', red: '#ff0000', green: '#008000', blue: '#0000ff' };
  const c = (color ?? '').trim().toLowerCase();
  const hex = named[c] ?? c;
  let m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(hex);
  if (m) {
    const h = m[1]!.length === 3 ? [...m[1]!].map((d) => d + d).join('') : m[1]!;
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16), alpha];
  }
  m = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(c);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3]), (m[4] === undefined ? 1 : Number(m[4])) * alpha];
  return [128, 128, 128, alpha];
}

/** Blends `color` with coverage `cover` (0-1) into pixel `(x, y)`; outside pixels are ignored. */
export function blendPixel(r: Raster, x: number, y: number, color: Rgba, cover = 1): void {
  if (x < 0 || y < 0 || x >= r.width || y >= r.height) return;
  const a = color[3] * cover;
  if (a <= 0) return;
  const i = (y * r.width + x) * 4;
  for (let k = 0; k < 3; k++) r.rgba[i + k] = Math.round(r.rgba[i + k]! * (1 - a) + color[k]! * a);
}

/** Fills the axis-aligned rectangle `[x0, x1) x [y0, y1)` (fractional edges are antialiased). */
export function fillRect(r: Raster, x0: number, y0: number, x1: number, y1: number, color: Rgba): void {
  const [lx, hx] = x0 <= x1 ? [x0, x1] : [x1, x0];
  const [ly, hy] = y0 <= y1 ? [y0, y1] : [y1, y0];
  for (let y = Math.max(0, Math.floor(ly)); y < Math.min(r.height, Math.ceil(hy)); y++) {
    const cy = Math.min(hy, y + 1) - Math.max(ly, y);
    for (let x = Math.max(0, Math.floor(lx)); x < Math.min(r.width, Math.ceil(hx)); x++) {
      blendPixel(r, x, y, color, cy * (Math.min(hx, x + 1) - Math.max(lx, x)));
    }
  }
}

/** Draws an antialiased segment of `width` pixels from `(x0, y0)` to `(x1, y1)` (pixel centres at +0.5). */
export function drawLine(r: Raster, x0: number, y0: number, x1: number, y1: number, color: Rgba, width = 1): void {
  const half = width / 2;
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  const minX = Math.max(0, Math.floor(Math.min(x0, x1) - half - 1));
  const maxX = Math.min(r.width - 1, Math.ceil(Math.max(x0, x1) + half + 1));
  const minY = Math.max(0, Math.floor(Math.min(y0, y1) - half - 1));
  const maxY = Math.min(r.height - 1, Math.ceil(Math.max(y0, y1) + half + 1));
  for (let y = minY; y <= maxY; y++) {
    for (let x = minX; x <= maxX; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / len2));
      const d = Math.hypot(px - (x0 + t * dx), py - (y0 + t * dy));
      const cover = Math.min(1, half + 0.5 - d);
      if (cover > 0) blendPixel(r, x, y, color, cover);
    }
  }
}

/** Fills an antialiased disc of `radius` pixels centred at `(cx, cy)`. */
export function fillCircle(r: Raster, cx: number, cy: number, radius: number, color: Rgba): void {
  for (let y = Math.max(0, Math.floor(cy - radius - 1)); y <= Math.min(r.height - 1, Math.ceil(cy + radius + 1)); y++) {
    for (let x = Math.max(0, Math.floor(cx - radius - 1)); x <= Math.min(r.width - 1, Math.ceil(cx + radius + 1)); x++) {
      const cover = Math.min(1, radius + 0.5 - Math.hypot(x + 0.5 - cx, y + 0.5 - cy));
      if (cover > 0) blendPixel(r, x, y, color, cover);
    }
  }
}

/** Pixel size of `text` drawn with `drawText` at `scale`. */
export function textSize(text: string, scale = 1): { width: number; height: number } {
  return { width: textWidth(text) * scale, height: glyphHeight * scale };
}

/**
 * Draws `text` in the 5x7 font with its top-left corner at `(x, y)`, each font pixel a
 * `scale x scale` square; `vertical` turns it 90 degrees counter-clockwise (reading upwards
 * from `(x, y)`, which is then the bottom-left corner).
 */
export function drawText(r: Raster, x: number, y: number, text: string, color: Rgba, scale = 1, vertical = false): void {
  let pen = 0;
  for (const char of text) {
    const cells = glyph(char);
    for (let gy = 0; gy < glyphHeight; gy++) {
      for (let gx = 0; gx < glyphWidth; gx++) {
        if (!cells[gy * glyphWidth + gx]) continue;
        const u = (pen + gx) * scale;
        const v = gy * scale;
        if (vertical) fillRect(r, x + v, y - u - scale, x + v + scale, y - u, color);
        else fillRect(r, x + u, y + v, x + u + scale, y + v + scale, color);
      }
    }
    pen += glyphWidth + 1;
  }
}
