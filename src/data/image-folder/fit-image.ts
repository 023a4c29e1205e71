import type { DecodedImage } from './decode-image';

/**
 * The resize rule of image folders: the largest centred window with the aspect ratio of
 * `[height, width]` is cropped (offsets rounded down), then resampled to `[height, width]`
 * by area averaging (each output pixel is the mean of the source area it covers, partial
 * pixels weighted by their covered share; upscaling repeats pixels), rounded to the nearest
 * byte. Channels then become `channels`: grey to RGB repeats the value, RGB to grey is
 * `0.299 R + 0.587 G + 0.114 B` (ITU-R BT.601). Returns `height * width * channels` bytes.
 */
export function fitImage(image: DecodedImage, size: readonly [number, number], channels: 1 | 3): Uint8Array {
  const [outH, outW] = size;
  const { width: w, height: h, channels: c, pixels } = image;
  let cropW = w;
  let cropH = h;
  if (w * outH > h * outW) cropW = Math.max(1, Math.round((h * outW) / outH));
  else cropH = Math.max(1, Math.round((w * outH) / outW));
  const x0 = Math.floor((w - cropW) / 2);
  const y0 = Math.floor((h - cropH) / 2);
  const xs = weights(cropW, outW, x0);
  const ys = weights(cropH, outH, y0);
  // Rows first: [h][outW][c], then columns: [outH][outW][c].
  const rows = new Float64Array(h * outW * c);
  for (let y = y0; y < y0 + cropH; y++) {
    for (let ox = 0; ox < outW; ox++) {
      const { from, w: wx } = xs[ox];
      for (let ch = 0; ch < c; ch++) {
        let sum = 0;
        for (let k = 0; k < wx.length; k++) sum += wx[k] * pixels[(y * w + from + k) * c + ch];
        rows[(y * outW + ox) * c + ch] = sum;
      }
    }
  }
  const out = new Uint8Array(outH * outW * channels);
  const value = new Float64Array(c);
  for (let oy = 0; oy < outH; oy++) {
    const { from, w: wy } = ys[oy];
    for (let ox = 0; ox < outW; ox++) {
      for (let ch = 0; ch < c; ch++) {
        let sum = 0;
        for (let k = 0; k < wy.length; k++) sum += wy[k] * rows[((from + k) * outW + ox) * c + ch];
        value[ch] = sum;
      }
      const at = (oy * outW + ox) * channels;
      if (channels === c) for (let ch = 0; ch < c; ch++) out[at + ch] = byte(value[ch]);
      else if (channels === 3) out[at] = out[at + 1] = out[at + 2] = byte(value[0]);
      else out[at] = byte(0.299 * value[0] + 0.587 * value[1] + 0.114 * value[2]);
    }
  }
  return out;
}

function byte(v: number): number {
  return Math.min(255, Math.max(0, Math.round(v)));
}

/** For each of `n` outputs over a source run of `len` pixels starting at `start`: the first source pixel and the weights (summing to 1). */
function weights(len: number, n: number, start: number): Array<{ from: number; w: Float64Array }> {
  const step = len / n;
  const out: Array<{ from: number; w: Float64Array }> = [];
  for (let o = 0; o < n; o++) {
    const a = o * step;
    const b = (o + 1) * step;
    const first = Math.floor(a);
    const last = Math.min(len - 1, Math.ceil(b) - 1);
    const w = new Float64Array(last - first + 1);
    for (let s = first; s <= last; s++) w[s - first] = (Math.min(b, s + 1) - Math.max(a, s)) / step;
    out.push({ from: start + first, w });
  }
  return out;
}
