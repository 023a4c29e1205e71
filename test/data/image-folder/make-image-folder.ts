import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { createRng } from '../../../src/util/rng';

/** Test helper: an image's bytes as PNG or JPEG, from a pixel function `(x, y) => [r, g, b]`. */
export function encodeImage(format: 'png' | 'jpeg', width: number, height: number, pixel: (x: number, y: number) => readonly number[], options: { grey?: boolean } = {}): Buffer {
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      const at = (y * width + x) * 4;
      rgba[at] = r;
      rgba[at + 1] = options.grey ? r : g;
      rgba[at + 2] = options.grey ? r : b;
      rgba[at + 3] = 255;
    }
  }
  if (format === 'jpeg') return encodeJpeg({ data: rgba, width, height }, 92).data;
  const png = new PNG({ width, height, colorType: options.grey ? 0 : 2, inputColorType: 6, inputHasAlpha: true } as ConstructorParameters<typeof PNG>[0]);
  png.data = rgba;
  return PNG.sync.write(png, { colorType: options.grey ? 0 : 2, inputColorType: 6, inputHasAlpha: true } as Parameters<typeof PNG.sync.write>[1]);
}

/** Writes `bytes` at `dir/file`, making folders. */
export function put(dir: string, file: string, bytes: Uint8Array | string): string {
  const path = join(dir, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}

/**
 * Test helper: a folder of `perClass` images in each of two classes, `stripes` (vertical
 * stripes with noise) and `blobs` (a bright square on dark, noise), alternating PNG and
 * JPEG, of `size` pixels; the first `atypical` images of `blobs` are atypical (inverted,
 * horizontal stripes). Seeded.
 */
export function makeTwoClassFolder(dir: string, options: { perClass: number; size?: number; atypical?: number; seed?: number }): { files: string[]; atypical: string[] } {
  const size = options.size ?? 20;
  const rng = createRng(options.seed ?? 0);
  const files: string[] = [];
  const atypical: string[] = [];
  for (const cls of ['blobs', 'stripes']) {
    for (let i = 0; i < options.perClass; i++) {
      const format = i % 2 === 0 ? 'png' : 'jpeg';
      const odd = cls === 'blobs' && i < (options.atypical ?? 0);
      const phase = rng.int(4);
      const cx = 4 + rng.int(size - 8);
      const cy = 4 + rng.int(size - 8);
      const pixel = (x: number, y: number): number[] => {
        const noise = rng.int(30);
        let v: number;
        if (odd) v = ((y + phase) % 4 < 2 ? 30 : 220) + noise - 15;
        else if (cls === 'stripes') v = ((x + phase) % 4 < 2 ? 220 : 30) + noise - 15;
        else v = (Math.abs(x - cx) < 4 && Math.abs(y - cy) < 4 ? 230 : 20) + noise - 10;
        v = Math.max(0, Math.min(255, v));
        return [v, 255 - v, (v * 3) % 256];
      };
      const file = `${cls}/${String(i).padStart(4, '0')}.${format === 'png' ? 'png' : 'jpg'}`;
      put(dir, file, encodeImage(format, size, size + (i % 3), pixel));
      files.push(file);
      if (odd) atypical.push(file);
    }
  }
  return { files, atypical };
}
